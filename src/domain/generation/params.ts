import type { CitationOptions } from '../../generation/citations.js';
import type { ModelParameters } from '../../generation/types.js';

/**
 * A request's `generation` object, normalised once: deprecated aliases resolved (`prompt_name`
 * for `generation_preset_name`, `prompt_text` for `prompt_template`, `citations_options` for
 * `citations`) and defaults applied. Shapes were checked by the route's schema already.
 */
export interface GenerationSettings {
  presetName?: string;
  /** From the preset when absent. */
  maxUsedSearchResults?: number;
  promptTemplate?: string;
  maxResponseCharacters?: number;
  /** ISO 639-3 code or `auto`. */
  responseLanguage: string;
  /** `llm_name` overrides the preset's model; the rest goes to the model as sampling settings. */
  llmName?: string;
  modelParameters: ModelParameters;
  citations: CitationOptions;
  factualConsistency: boolean;
}

type Body = Record<string, unknown>;
const obj = (v: unknown): Body => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * The settings for a query's `generation`, or null when the query asks for none (absent, or
 * `enabled: false`). Chats always generate: pass `{ always: true }`.
 */
export function generationSettings(raw: unknown, options: { always?: boolean } = {}): GenerationSettings | null {
  if (raw === undefined && !options.always) return null;
  const g = obj(raw);
  if (g.enabled === false && !options.always) return null;
  const { llm_name, ...modelParameters } = obj(g.model_parameters);
  const presetName = str(g.generation_preset_name) ?? str(g.prompt_name);
  const promptTemplate = str(g.prompt_template) ?? str(g.prompt_text);
  const maxUsed = int(g.max_used_search_results);
  const maxChars = int(g.max_response_characters);
  return {
    ...(presetName !== undefined ? { presetName } : {}),
    ...(maxUsed !== undefined ? { maxUsedSearchResults: maxUsed } : {}),
    ...(promptTemplate !== undefined ? { promptTemplate } : {}),
    ...(maxChars !== undefined ? { maxResponseCharacters: maxChars } : {}),
    responseLanguage: str(g.response_language) ?? 'auto',
    ...(typeof llm_name === 'string' ? { llmName: llm_name } : {}),
    modelParameters: modelParameters as ModelParameters,
    citations: obj(g.citations ?? g.citations_options) as CitationOptions,
    factualConsistency: g.enable_factual_consistency_score !== false,
  };
}
