import { createCitationFormatter, formatCitations } from '../../generation/citations.js';
import { resolveLanguage } from '../../generation/languages.js';
import { DEFAULT_PROMPT_TEMPLATE, renderPrompt } from '../../generation/prompt/render.js';
import type { GroundingResult, PriorTurn } from '../../generation/types.js';
import { QuarryError } from '../errors.js';
import type { QueryPlan } from '../query/plan.js';
import type { HistoryExtra, QueryService, SearchResult } from '../query/query.js';
import type { FactualConsistency } from './consistency.js';
import { llmFailure } from './failures.js';
import type { LlmService } from './llms.js';
import type { GenerationSettings } from './params.js';

/** The events of a streamed answer, in the order the v2 API sends them. */
export type AnswerEvent =
  | { type: 'search_results'; search_results: SearchResult[] }
  | { type: 'chat_info'; chat_id: string; turn_id: string }
  | { type: 'generation_info'; rendered_prompt: string }
  | { type: 'generation_chunk'; generation_chunk: string }
  | { type: 'generation_end' }
  | { type: 'factual_consistency_score'; factual_consistency_score: number }
  | { type: 'end' };

export type QueryWarning = 'exceeded_max_input_length_fcs' | 'intelligent_query_rewriting_failed' | 'fcs_language_not_supported';

/** What a finished answer is, for responses, history and chats. */
export interface AnswerResult {
  search_results: SearchResult[];
  /** The answer as the client sees it (citations in the requested style). */
  answer: string;
  response_language: string;
  factual_consistency_score?: number;
  /** Only when the request brought its own template (that is when it helps to see it). */
  rendered_prompt?: string;
  warnings: QueryWarning[];
  corpus_ids: number[];
}

export interface AnswerRequest {
  plan: QueryPlan;
  settings: GenerationSettings;
  /** Earlier enabled turns of a chat, oldest first. */
  history?: PriorTurn[];
  /** A chat's ids, announced after the search results. */
  chatInfo?: { chat_id: string; turn_id: string };
  /**
   * Called once the answer is complete and before `end`; persists it (history, chat turn). Not
   * called when generation fails or the client goes away, so nothing is half-saved.
   */
  onComplete?: (result: AnswerResult, saveHistory: ((extra?: HistoryExtra) => Promise<string>) | undefined) => Promise<void>;
}

/** A prepared answer: the search ran and the prompt rendered; generation runs when iterated. */
export interface PreparedAnswer {
  events(signal?: AbortSignal): AsyncGenerator<AnswerEvent>;
  /** Set once the events have run to `end`. */
  result?: AnswerResult;
}

/**
 * Grounded answers: search (the query service), choose the results the prompt may use, render the
 * prompt, run the model, rewrite citations, score factual consistency. Everything that can be a
 * 4xx happens in `prepare`, before a stream starts; failures of the model afterwards are thrown
 * as QuarryErrors (502, 504, 429), which streams turn into an `error` event.
 */
export class AnswerService {
  constructor(
    private readonly query: QueryService,
    private readonly llms: LlmService,
    private readonly consistency: FactualConsistency,
  ) {}

  async prepare(req: AnswerRequest): Promise<PreparedAnswer> {
    const { plan, settings } = req;
    const preset = this.llms.preset(settings.presetName, 'generation.generation_preset_name');
    const llmName = settings.llmName ?? preset.llm_name;
    const model = await this.llms.model(llmName, settings.llmName ? 'generation.model_parameters.llm_name' : 'generation.generation_preset_name');
    const outcome = await this.query.run(plan, { deferHistory: true });
    const used: GroundingResult[] = outcome.search_results
      .slice(0, settings.maxUsedSearchResults ?? preset.max_used_search_results)
      .map((r) => ({ text: r.text, document_id: r.document_id, document_metadata: r.document_metadata, part_metadata: r.part_metadata, score: r.score }));
    const language = await resolveLanguage(settings.responseLanguage, plan.query, commonLanguage(used));
    const history = req.history ?? [];
    const prompt = renderPrompt(
      settings.promptTemplate ?? preset.prompt_template ?? DEFAULT_PROMPT_TEMPLATE,
      { query: plan.query, results: used, language, history, ...(settings.maxResponseCharacters ? { outChars: settings.maxResponseCharacters } : {}) },
      'generation.prompt_template',
    );
    // Only what the request sets goes to the model: servers differ in what they accept (reasoning
    // models refuse `temperature`), and each has sensible defaults of its own.
    const modelParameters = { ...settings.modelParameters };
    const warnings: QueryWarning[] = plan.rewriting_requested ? ['intelligent_query_rewriting_failed'] : [];
    const consistency = this.consistency;

    async function* events(signal?: AbortSignal): AsyncGenerator<AnswerEvent> {
      yield { type: 'search_results', search_results: outcome.search_results };
      if (req.chatInfo) yield { type: 'chat_info', ...req.chatInfo };
      yield { type: 'generation_info', rendered_prompt: prompt.text };
      const started = new Date();
      const t0 = performance.now();
      const citations = createCitationFormatter(settings.citations, used);
      let raw = '';
      let answer = '';
      try {
        for await (const chunk of model.generate({
          query: plan.query,
          results: used,
          messages: prompt.messages,
          history,
          language: language.code,
          ...(settings.maxResponseCharacters ? { maxResponseCharacters: settings.maxResponseCharacters } : {}),
          modelParameters,
          ...(signal ? { signal } : {}),
        })) {
          if (signal?.aborted) return;
          raw += chunk;
          const piece = citations.push(chunk);
          if (piece) {
            answer += piece;
            yield { type: 'generation_chunk', generation_chunk: piece };
          }
        }
      } catch (err) {
        if (signal?.aborted) return;
        throw llmFailure(err);
      }
      if (signal?.aborted) return;
      const tail = citations.end();
      if (tail) {
        answer += tail;
        yield { type: 'generation_chunk', generation_chunk: tail };
      }
      yield { type: 'generation_end' };
      const generationLatency = performance.now() - t0;

      const fcsStarted = new Date();
      const f0 = performance.now();
      let score: number | undefined;
      if (settings.factualConsistency) {
        const scored = await consistency.scoreAnswer(formatCitations(raw, { style: 'none' }, used), used.map((r) => r.text));
        if (scored.warning) warnings.push(scored.warning);
        score = scored.score;
        if (score !== undefined) yield { type: 'factual_consistency_score', factual_consistency_score: score };
      }
      if (signal?.aborted) return;
      const result: AnswerResult = {
        search_results: outcome.search_results,
        answer,
        response_language: language.code,
        ...(score !== undefined ? { factual_consistency_score: score } : {}),
        ...(settings.promptTemplate !== undefined ? { rendered_prompt: prompt.text } : {}),
        warnings,
        corpus_ids: outcome.corpus_ids,
      };
      const spans: Array<Record<string, unknown>> = [
        { type: 'generation', latency_millis: Math.round(generationLatency), started_at: started.toISOString(), prompt: prompt.text, generation: answer },
        ...(score !== undefined
          ? [{ type: 'fcs', latency_millis: Math.round(performance.now() - f0), started_at: fcsStarted.toISOString(), score }]
          : []),
      ];
      const save = outcome.saveHistory
        ? (extra: HistoryExtra = {}) =>
            outcome.saveHistory!({ generation: answer, ...(score !== undefined ? { factual_consistency_score: score } : {}), spans, ...extra })
        : undefined;
      if (req.onComplete) await req.onComplete(result, save);
      else if (save) await save();
      prepared.result = result;
      yield { type: 'end' };
    }
    const prepared: PreparedAnswer = { events };
    return prepared;
  }
}

/** The language most of the results are in (their `lang`), for a query too short to tell. */
function commonLanguage(results: readonly GroundingResult[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of results) {
    const lang = r.part_metadata.lang;
    if (typeof lang === 'string') counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Runs an answer to the end and returns it whole (non-streaming responses). When `signal` aborts
 * (the client went away) generation stops, nothing is saved, and this rejects.
 */
export async function collect(prepared: PreparedAnswer, signal?: AbortSignal): Promise<AnswerResult> {
  for await (const _ of prepared.events(signal)) void _;
  if (!prepared.result) throw new QuarryError(499, 'The client went away before the answer was complete.');
  return prepared.result;
}
