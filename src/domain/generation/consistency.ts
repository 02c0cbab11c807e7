import { FCS_LANGUAGES } from '../../generation/consistency/cues.js';
import { LexicalConsistencyScorer, MAX_FCS_INPUT_CHARS } from '../../generation/consistency/lexical-scorer.js';
import { confidentLanguage, UNDETERMINED } from '../../generation/languages.js';
import type { ConsistencyScorer } from '../../generation/types.js';
import type { OnnxConsistencySpec } from '../../providers/consistency/onnx-consistency.js';
import { invalidField, QuarryError, unprocessable } from '../errors.js';
import type { QueryWarning } from './answer.js';

/** One bound on what a scorer or corrector reads per request: the work grows with it. */
export function checkInputSize(generated: string, sources: readonly string[], field: string): void {
  const total = generated.length + sources.reduce((n, t) => n + t.length, 0);
  if (total > MAX_FCS_INPUT_CHARS) {
    throw invalidField(field, `the generated text and the sources together hold ${total} characters; at most ${MAX_FCS_INPUT_CHARS} are read`);
  }
}

/** Vectara's model name, accepted so client code runs unchanged; the built-in scorer serves it. */
export const VECTARA_FCS_MODEL = 'hhem_v2.3';

/**
 * Factual-consistency scoring: the built-in lexical scorer (served under its own name and under
 * Vectara's `hhem_v2.3`), plus local ONNX models named in the configuration. One place decides
 * which languages are scored and what happens with inputs too long to score.
 */
/** Imported on first use: a server without ONNX models never loads onnxruntime. */
const loadOnnx = async (spec: OnnxConsistencySpec): Promise<ConsistencyScorer & { close(): Promise<void> }> =>
  new (await import('../../providers/consistency/onnx-consistency.js')).OnnxConsistencyScorer(spec);

export class FactualConsistency {
  private readonly builtin = new LexicalConsistencyScorer();
  private readonly live = new Map<string, Promise<ConsistencyScorer & { close(): Promise<void> }>>();

  constructor(
    private readonly specs: readonly OnnxConsistencySpec[] = [],
    private readonly load = loadOnnx,
  ) {}

  get names(): string[] {
    return [this.builtin.name, VECTARA_FCS_MODEL, ...this.specs.map((s) => s.name)];
  }

  /** The scorer a query's answer gets: the first configured model, else the built-in one. */
  private get default(): ConsistencyScorer {
    return this.specs[0] ? this.model(this.specs[0]) : this.builtin;
  }

  private scorer(name: string | undefined): ConsistencyScorer {
    if (name === undefined || name === VECTARA_FCS_MODEL) return this.default;
    if (name === this.builtin.name) return this.builtin;
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw invalidField('model_parameters.model_name', `unknown model '${name}'; use one of: ${this.names.join(', ')}`);
    return this.model(spec);
  }

  /** A configured model, loaded once; a load failure is the operator's to fix (503), not cached. */
  private model(spec: OnnxConsistencySpec): ConsistencyScorer {
    return {
      name: spec.name,
      score: async (generated, sources) => {
        let loading = this.live.get(spec.name);
        if (!loading) {
          loading = this.load(spec);
          loading.catch(() => this.live.delete(spec.name));
          this.live.set(spec.name, loading);
        }
        try {
          return await (await loading).score(generated, sources);
        } catch (err) {
          throw new QuarryError(503, `Factual consistency model '${spec.name}' is unavailable: ${(err as Error).message}`);
        }
      },
    };
  }

  async close(): Promise<void> {
    const models = await Promise.allSettled(this.live.values());
    await Promise.all(models.map((m) => (m.status === 'fulfilled' ? m.value.close() : undefined)));
    this.live.clear();
  }

  /** `POST /v2/evaluate_factual_consistency`: 422 when the text's language is not supported. */
  async evaluate(generated: string, sources: readonly string[], modelName?: string): Promise<number> {
    const scorer = this.scorer(modelName);
    checkInputSize(generated, sources, 'source_texts');
    const language = await confidentLanguage(generated);
    // Too short to tell: scored rather than refused.
    if (language && !FCS_LANGUAGES.includes(language)) {
      const named = language === UNDETERMINED ? 'could not be determined (und)' : `(${language}) is not supported`;
      throw unprocessable(
        `The generated text's language ${named} by the factual consistency scorer; ` +
          `supported: ${FCS_LANGUAGES.join(', ')}.`,
      );
    }
    return scorer.score(generated, sources);
  }

  /** The score of a generated answer, or the warning that says why there is none. */
  async scoreAnswer(answer: string, sources: readonly string[]): Promise<{ score?: number; warning?: QueryWarning }> {
    if (answer.length + sources.reduce((n, s) => n + s.length, 0) > MAX_FCS_INPUT_CHARS) return { warning: 'exceeded_max_input_length_fcs' };
    const language = await confidentLanguage(answer);
    if (language && !FCS_LANGUAGES.includes(language)) return { warning: 'fcs_language_not_supported' };
    if (sources.length === 0) return {}; // nothing to be consistent with: no score rather than a false alarm
    try {
      return { score: await this.default.score(answer, sources) };
    } catch {
      // A configured model that fails to load must not cost the user the answer: it goes
      // unscored (POST /v2/evaluate_factual_consistency reports the model's failure itself).
      return {};
    }
  }
}
