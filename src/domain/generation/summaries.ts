import { DEFAULT_PROMPT_TEMPLATE, renderPrompt } from '../../generation/prompt/render.js';
import { resolveLanguage } from '../../generation/languages.js';
import type { GroundingResult } from '../../generation/types.js';
import type { DocumentService } from '../documents/documents.js';
import type { LlmService } from './llms.js';
import { uncitedText } from './uncited.js';

export type SummaryEvent =
  | { type: 'generation_info'; rendered_prompt: string }
  | { type: 'generation_chunk'; generation_chunk: string }
  | { type: 'generation_end' }
  | { type: 'end' };

export interface SummaryRequest {
  llm_name: string;
  prompt_template?: string;
  model_parameters?: Record<string, unknown>;
}

export interface PreparedSummary {
  events(signal?: AbortSignal): AsyncGenerator<SummaryEvent>;
  /** Set once the events have run to `end`. */
  summary?: string;
  rendered_prompt: string;
  /** Whether the request brought its own template (then the rendered prompt is shown). */
  custom_prompt: boolean;
}

/** Parts handed to the model: a long document is summarised from its first parts. */
const MAX_PARTS = 200;

/**
 * `POST /v2/corpora/{key}/documents/{id}/summarize`: the document's parts, in order, are the
 * results the prompt sees, and the question is empty (the summariser then picks the document's
 * most central sentences). A summary has no citations: they would all point at the same document.
 */
export class DocumentSummaries {
  constructor(
    private readonly documents: DocumentService,
    private readonly llms: LlmService,
  ) {}

  async prepare(corpusKey: string, docId: string, req: SummaryRequest): Promise<PreparedSummary> {
    const model = await this.llms.model(req.llm_name, 'llm_name');
    const doc = await this.documents.get(corpusKey, docId);
    const results: GroundingResult[] = (doc.parts ?? []).slice(0, MAX_PARTS).map((p) => ({
      text: p.text,
      document_id: doc.id,
      document_metadata: doc.metadata,
      part_metadata: p.metadata ?? {},
      score: 1,
    }));
    const language = await resolveLanguage('auto', results.slice(0, 5).map((r) => r.text).join(' '));
    const prompt = renderPrompt(req.prompt_template ?? DEFAULT_PROMPT_TEMPLATE, { query: '', results, language }, 'prompt_template');
    const prepared: PreparedSummary = {
      rendered_prompt: prompt.text,
      custom_prompt: req.prompt_template !== undefined,
      async *events(signal?: AbortSignal) {
        yield { type: 'generation_info', rendered_prompt: prompt.text };
        let summary = '';
        for await (const text of uncitedText(model, {
          query: '',
          results,
          messages: prompt.messages,
          history: [],
          language: language.code,
          modelParameters: req.model_parameters ?? {},
          ...(signal ? { signal } : {}),
        })) {
          summary += text;
          yield { type: 'generation_chunk', generation_chunk: text };
        }
        if (signal?.aborted) return;
        yield { type: 'generation_end' };
        prepared.summary = summary.trim();
        yield { type: 'end' };
      },
    };
    return prepared;
  }
}
