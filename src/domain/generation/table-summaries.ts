import { EXTRACTIVE_LLM_NAME } from '../../generation/extractive/summariser.js';
import { resolveLanguage } from '../../generation/languages.js';
import { DEFAULT_PROMPT_TEMPLATE, renderPrompt } from '../../generation/prompt/render.js';
import type { GroundingResult } from '../../generation/types.js';
import type { TableBody } from '../../ingestion/documents.js';
import { renderTableRows, tableCaption } from '../../ingestion/tables.js';
import type { LlmService } from './llms.js';
import { uncitedText } from './uncited.js';

/** `table_extraction_config.generation`: which model describes extracted tables, and how. */
export interface TableGeneration {
  llm_name?: string;
  prompt_template?: string;
  model_parameters?: Record<string, unknown>;
}

/** Rows a description is made from: enough to see what a table holds. */
const MAX_ROWS = 100;
const DESCRIPTION_CHARS = 300;
const FIELD = 'table_extraction_config.generation';

/**
 * Describes extracted tables that have no description of their own, with the configured LLM (the
 * built-in extractive summariser by default, which quotes the table's most representative rows).
 * The description is indexed with the table's caption, so what a table is about is searchable.
 */
export class TableSummaries {
  constructor(private readonly llms: LlmService) {}

  /** Checks the spec before any work is done: an unknown LLM or a broken template is a 400. */
  async prepare(spec: TableGeneration = {}): Promise<(table: TableBody) => Promise<void>> {
    const model = await this.llms.model(spec.llm_name ?? EXTRACTIVE_LLM_NAME, `${FIELD}.llm_name`);
    if (spec.prompt_template !== undefined) renderPrompt(spec.prompt_template, { query: '', results: [], language: await resolveLanguage('eng', '') }, `${FIELD}.prompt_template`);
    return async (table) => {
      if (table.description?.trim()) return;
      const rows = renderTableRows(table).filter((r) => r.length > 0).slice(0, MAX_ROWS);
      if (rows.length === 0) return;
      const caption = tableCaption(table);
      const results: GroundingResult[] = rows.map((text) => ({ text, document_id: table.id ?? '', document_metadata: {}, part_metadata: {}, score: 1 }));
      const language = await resolveLanguage('auto', `${caption} ${rows.slice(0, 5).join(' ')}`);
      const prompt = renderPrompt(spec.prompt_template ?? DEFAULT_PROMPT_TEMPLATE, { query: '', results, language, outChars: DESCRIPTION_CHARS }, `${FIELD}.prompt_template`);
      let text = '';
      for await (const piece of uncitedText(model, {
        query: '',
        results,
        messages: prompt.messages,
        history: [],
        language: language.code,
        maxResponseCharacters: DESCRIPTION_CHARS,
        modelParameters: spec.model_parameters ?? {},
      })) {
        text += piece;
      }
      text = text.trim();
      if (text) table.description = text;
    };
  }
}
