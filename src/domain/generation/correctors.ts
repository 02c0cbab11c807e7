import { BuiltinHallucinationCorrector } from '../../generation/correction/builtin-corrector.js';
import type { CorrectionOutcome, HallucinationCorrector } from '../../generation/types.js';
import { invalidField } from '../errors.js';
import { checkInputSize } from './consistency.js';
import { checkRegex } from '../regex.js';

export interface CorrectorView {
  id: string;
  name: string;
  type: string;
  description: string;
  enabled: boolean;
}

/** Vectara's corrector name, accepted so client code runs unchanged; the built-in one serves it. */
export const VECTARA_CORRECTOR = 'vhc-large-1.0';

/**
 * Hallucination correctors: the built-in lexical corrector, listed under its own name and under
 * Vectara's, each saying plainly what it is.
 */
export class Correctors {
  private readonly builtin: HallucinationCorrector = new BuiltinHallucinationCorrector();
  readonly views: readonly CorrectorView[];

  constructor() {
    this.views = [
      {
        id: 'hcm_1',
        name: this.builtin.name,
        type: 'builtin',
        description:
          'Built-in, offline corrector: checks each sentence against the source documents word by word, rewrites ' +
          'numbers and negations the sources contradict, and removes sentences no source supports. Not a neural model.',
        enabled: true,
      },
      {
        id: 'hcm_2',
        name: VECTARA_CORRECTOR,
        type: 'builtin',
        description: `Vectara's corrector name, accepted so Vectara client code runs unchanged; served here by ${this.builtin.name}.`,
        enabled: true,
      },
    ];
  }

  list(filter: string | undefined): CorrectorView[] {
    const re = checkRegex('filter', filter);
    return this.views.filter((v) => !re || new RegExp(re).test(v.name) || new RegExp(re).test(v.description));
  }

  async correct(modelName: string, generated: string, sources: readonly string[], query?: string): Promise<CorrectionOutcome & { model: string }> {
    if (!this.views.some((v) => v.name === modelName)) {
      throw invalidField('model_name', `unknown corrector '${modelName}'; GET /v2/hallucination_correctors lists them`);
    }
    checkInputSize(generated, sources, 'documents');
    return { ...(await this.builtin.correct(generated, sources, query)), model: modelName };
  }
}
