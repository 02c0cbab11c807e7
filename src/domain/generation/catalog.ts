/**
 * The generation models and presets Quarry ships with. Built-ins are not stored: they are listed
 * before registered LLMs, at fixed positions below 100 (registered LLMs get ids from 100 up).
 *
 * Vectara's published preset names are listed too, so client code written for Vectara runs
 * unchanged; each says plainly which model serves it here. An administrator can point any preset
 * at a registered LLM instead (`generation.preset_llms` in the configuration).
 */
import { EXTRACTIVE_LLM_NAME } from '../../generation/extractive/summariser.js';

export interface BuiltinLlm {
  id: string;
  name: string;
  description: string;
}

export const BUILTIN_LLMS: readonly BuiltinLlm[] = [
  {
    id: 'llm_1',
    name: EXTRACTIVE_LLM_NAME,
    description:
      'Built-in, offline extractive summariser: answers with the sentences of the search results that best ' +
      'match the question, each cited. It never writes new text. Not a neural model; register an ' +
      'OpenAI-compatible LLM for generated answers.',
  },
];

export interface Preset {
  name: string;
  description: string;
  llm_name: string;
  /** Absent: the default prompt template. */
  prompt_template?: string;
  max_used_search_results: number;
  max_tokens: number;
  temperature: number;
  frequency_penalty: number;
  presence_penalty: number;
  enabled: boolean;
  default: boolean;
}

/** The built-ins plus the operator's local GGUF models, each at a fixed position below 100. */
export function fixedLlms(gguf: readonly { name: string }[]): BuiltinLlm[] {
  return [
    ...BUILTIN_LLMS,
    ...gguf.map((g, i) => ({
      id: `llm_${BUILTIN_LLMS.length + i + 1}`,
      name: g.name,
      description: "Local GGUF model from the server's configuration, run offline through llama.cpp.",
    })),
  ];
}

export const DEFAULT_PRESET = 'quarry-extractive';

/** Vectara's published preset names, accepted so existing client code keeps working. */
export const VECTARA_PRESET_NAMES = [
  'mockingbird-2.0',
  'vectara-summary-ext-24-05-med-omni',
  'vectara-summary-ext-24-05-large',
  'vectara-summary-ext-24-05-med',
  'vectara-summary-ext-24-05-sml',
  'vectara-summary-table-query-ext-dec-2024-gpt-4o',
  'vectara-summary-ext-v1.2.0',
  'vectara-summary-ext-v1.3.0',
] as const;

const base = { max_used_search_results: 5, max_tokens: 1024, temperature: 0, frequency_penalty: 0, presence_penalty: 0, enabled: true };

/** The presets, with the administrator's mapping of names to LLMs applied. */
export function presets(mapping: Readonly<Record<string, string>> = {}): Preset[] {
  const servedBy = (name: string) => mapping[name] ?? EXTRACTIVE_LLM_NAME;
  const says = (name: string) =>
    servedBy(name) === EXTRACTIVE_LLM_NAME
      ? "served here by Quarry's built-in extractive summariser, which quotes the results rather than writing new text"
      : `served here by the LLM '${servedBy(name)}'`;
  return [
    {
      ...base,
      name: DEFAULT_PRESET,
      description: `Quarry's default preset: ${says(DEFAULT_PRESET)}.`,
      llm_name: servedBy(DEFAULT_PRESET),
      default: true,
    },
    ...VECTARA_PRESET_NAMES.map((name) => ({
      ...base,
      name,
      description: `Vectara's preset name, accepted so Vectara client code runs unchanged; ${says(name)}.`,
      llm_name: servedBy(name),
      default: false,
    })),
  ];
}
