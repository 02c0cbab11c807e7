import { Type } from '@sinclair/typebox';
import { LANGUAGE_CODES } from '../../generation/languages.js';
import { ListMetadata, StringEnum } from './common.js';

/**
 * Shapes of generation: the `generation` object of queries and chats, LLMs, presets, factual
 * consistency and hallucination correction, in our own words after the v2 API. Unknown fields
 * are ignored (lenient input); deprecated aliases are accepted and resolved by the service.
 */
export const Language = StringEnum([...LANGUAGE_CODES]);

const Citations = Type.Object({
  style: Type.Optional(StringEnum(['none', 'numeric', 'html', 'markdown'])),
  url_pattern: Type.Optional(Type.String({ maxLength: 2048 })),
  text_pattern: Type.Optional(Type.String({ maxLength: 2048 })),
});

const ModelParameters = Type.Object(
  {
    llm_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    temperature: Type.Optional(Type.Number()),
    frequency_penalty: Type.Optional(Type.Number()),
    presence_penalty: Type.Optional(Type.Number()),
  },
  { additionalProperties: true },
);

export const GenerationParameters = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  generation_preset_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  prompt_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  max_used_search_results: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  prompt_template: Type.Optional(Type.String({ maxLength: 65_536 })),
  prompt_text: Type.Optional(Type.String({ maxLength: 65_536 })),
  max_response_characters: Type.Optional(Type.Integer({ minimum: 0 })),
  response_language: Type.Optional(Language),
  model_parameters: Type.Optional(ModelParameters),
  citations: Type.Optional(Citations),
  citations_options: Type.Optional(Citations),
  enable_factual_consistency_score: Type.Optional(Type.Boolean()),
});

const Warning = StringEnum(['exceeded_max_input_length_fcs', 'intelligent_query_rewriting_failed', 'fcs_language_not_supported']);

/** What a RAG answer adds to a query response. */
export const AnswerFields = {
  summary: Type.Optional(Type.String()),
  response_language: Type.Optional(Language),
  factual_consistency_score: Type.Optional(Type.Number()),
  rendered_prompt: Type.Optional(Type.String()),
  warnings: Type.Optional(Type.Array(Warning)),
};

// -- LLMs and presets ----------------------------------------------------------------------------

export const Llm = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  default: Type.Boolean(),
});

const Auth = Type.Union([
  Type.Object({ type: Type.Literal('bearer'), token: Type.String({ minLength: 1, maxLength: 8192 }) }),
  Type.Object({ type: Type.Literal('header'), header: Type.String({ minLength: 1, maxLength: 256, pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), value: Type.String({ maxLength: 8192 }) }),
]);

export const CreateLlmBody = Type.Object({
  type: StringEnum(['openai-compatible', 'openai-responses']),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  model: Type.String({ minLength: 1, maxLength: 255 }),
  uri: Type.String({ minLength: 1, maxLength: 2048 }),
  auth: Type.Optional(Auth),
  headers: Type.Optional(Type.Record(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), Type.String({ maxLength: 8192 }))),
  test_model_parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const ListLlmsResponse = Type.Object({ llms: Type.Array(Llm), metadata: ListMetadata });

export const GenerationPreset = Type.Object({
  name: Type.String(),
  description: Type.String(),
  llm_name: Type.String(),
  prompt_template: Type.String(),
  max_used_search_results: Type.Integer(),
  max_tokens: Type.Integer(),
  temperature: Type.Number(),
  frequency_penalty: Type.Number(),
  presence_penalty: Type.Number(),
  enabled: Type.Boolean(),
  default: Type.Boolean(),
});

export const ListPresetsResponse = Type.Object({ generation_presets: Type.Array(GenerationPreset), metadata: ListMetadata });

// -- chat completions ----------------------------------------------------------------------------

export const ChatCompletionBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 255 }),
    messages: Type.Array(
      Type.Object({ role: Type.String({ minLength: 1, maxLength: 64 }), content: Type.String(), name: Type.Optional(Type.String({ maxLength: 256 })) }),
      { minItems: 1, maxItems: 1000 },
    ),
    stream: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

// -- factual consistency and hallucination correction ---------------------------------------------

export const EvaluateBody = Type.Object({
  generated_text: Type.String({ maxLength: 100_000 }),
  source_texts: Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 1000 }),
  model_parameters: Type.Optional(Type.Object({ model_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) })),
});

export const EvaluateResponse = Type.Object({ score: Type.Number({ minimum: 0, maximum: 1 }) });

export const HallucinationCorrector = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
});

export const ListCorrectorsResponse = Type.Object({ hallucination_correctors: Type.Array(HallucinationCorrector), metadata: ListMetadata });

export const CorrectBody = Type.Object({
  generated_text: Type.String({ maxLength: 100_000 }),
  documents: Type.Array(Type.Object({ text: Type.String({ maxLength: 100_000 }) }), { maxItems: 1000 }),
  model_name: Type.String({ minLength: 1, maxLength: 255 }),
  query: Type.Optional(Type.String({ maxLength: 5000 })),
});

export const CorrectResponse = Type.Object({
  corrected_text: Type.String(),
  corrections: Type.Array(Type.Object({ original_text: Type.String(), corrected_text: Type.String(), explanation: Type.String() })),
  model: Type.Optional(Type.String()),
});

// -- document summaries --------------------------------------------------------------------------

export const SummarizeBody = Type.Object({
  llm_name: Type.String({ minLength: 1, maxLength: 255 }),
  prompt_template: Type.Optional(Type.String({ maxLength: 65_536 })),
  model_parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  stream_response: Type.Optional(Type.Boolean()),
});

export const SummarizeResponse = Type.Object({ summary: Type.String(), rendered_prompt: Type.Optional(Type.String()) });
