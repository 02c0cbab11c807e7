import { Type } from '@sinclair/typebox';
import { CorpusKey, ListMetadata, PathId, StringEnum } from './common.js';
import { AnswerFields, GenerationParameters } from './generation.js';

/**
 * Request and response shapes of the query operations, in our own words after the v2 API.
 * Unknown fields are ignored (lenient input); `generation` has its shape in ./generation.ts.
 */
const QueryText = Type.String({ maxLength: 5000 });
const Semantics = StringEnum(['default', 'query', 'response']);
const Int = (options: { minimum?: number; maximum?: number } = {}) => Type.Integer(options);

const ContextConfiguration = Type.Object({
  characters_before: Type.Optional(Int({ minimum: 0 })),
  characters_after: Type.Optional(Int({ minimum: 0 })),
  sentences_before: Type.Optional(Int({ minimum: 0 })),
  sentences_after: Type.Optional(Int({ minimum: 0 })),
  start_tag: Type.Optional(Type.String({ maxLength: 256 })),
  end_tag: Type.Optional(Type.String({ maxLength: 256 })),
});

/** One reranker of any kind; `type` picks which fields apply (checked by the query service). */
export const Reranker = Type.Recursive(
  (Self) =>
    Type.Object({
      type: Type.Optional(StringEnum(['customer_reranker', 'userfn', 'mmr', 'chain', 'none'])),
      reranker_id: Type.Optional(Type.String({ pattern: '^rnk_[0-9]+$' })),
      reranker_name: Type.Optional(Type.String()),
      user_function: Type.Optional(Type.String({ maxLength: 10_000 })),
      diversity_bias: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
      rerankers: Type.Optional(Type.Array(Self, { minItems: 1, maxItems: 50 })),
      limit: Type.Optional(Int({ minimum: 1 })),
      cutoff: Type.Optional(Type.Number()),
      include_context: Type.Optional(Type.Boolean()),
    }),
  { $id: 'QuarryReranker' },
);

const CorpusSettings = {
  custom_dimensions: Type.Optional(Type.Record(Type.String(), Type.Number())),
  metadata_filter: Type.Optional(Type.String({ maxLength: 8000 })),
  lexical_interpolation: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  semantics: Type.Optional(Semantics),
};

const SearchSettings = {
  offset: Type.Optional(Int({ minimum: 0 })),
  limit: Type.Optional(Int({ minimum: 1, maximum: 1000 })),
  context_configuration: Type.Optional(ContextConfiguration),
  reranker: Type.Optional(Reranker),
};

const Common = {
  query: QueryText,
  generation: Type.Optional(GenerationParameters),
  stream_response: Type.Optional(Type.Boolean()),
  save_history: Type.Optional(Type.Boolean()),
  intelligent_query_rewriting: Type.Optional(Type.Boolean()),
};

export const QueryCorpusBody = Type.Object({
  ...Common,
  search: Type.Optional(Type.Object({ ...CorpusSettings, ...SearchSettings })),
});

export const QueryBody = Type.Object({
  ...Common,
  search: Type.Object({
    corpora: Type.Array(Type.Object({ ...CorpusSettings, corpus_key: CorpusKey, query: Type.Optional(QueryText) }), { minItems: 1, maxItems: 100 }),
    ...SearchSettings,
  }),
});

export const SearchCorpusQuery = Type.Object({
  query: QueryText,
  limit: Type.Optional(Int({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Int({ minimum: 0 })),
  save_history: Type.Optional(Type.Boolean()),
  intelligent_query_rewriting: Type.Optional(Type.Boolean()),
});

const Open = Type.Record(Type.String(), Type.Unknown());

export const SearchResult = Type.Object({
  text: Type.String(),
  score: Type.Number(),
  part_metadata: Open,
  document_metadata: Open,
  document_id: Type.String(),
  request_corpora_index: Type.Integer(),
  table: Type.Optional(Open),
});

export const QueryResponse = Type.Object({
  search_results: Type.Array(SearchResult),
  ...AnswerFields,
});

export const QueryHistorySummary = Type.Object({
  id: Type.String(),
  query: Type.String(),
  corpus_key: Type.Optional(Type.String()),
  started_at: Type.String(),
  latency_millis: Type.Integer(),
  chat_id: Type.Optional(Type.String()),
  generation: Type.Optional(Type.String()),
  factual_consistency_score: Type.Optional(Type.Number()),
});

export const QueryHistory = Type.Object({
  id: Type.String(),
  query: Open,
  chat_id: Type.Optional(Type.String()),
  latency_millis: Type.Integer(),
  started_at: Type.String(),
  spans: Type.Array(Open),
});

export const ListQueryHistoriesQuery = Type.Object({
  corpus_key: Type.Optional(Type.String()),
  started_after: Type.Optional(Type.String({ format: 'date-time' })),
  started_before: Type.Optional(Type.String({ format: 'date-time' })),
  chat_id: Type.Optional(Type.String()),
  history_id: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  page_key: Type.Optional(Type.String()),
});

export const ListQueryHistoriesResponse = Type.Object({ queries: Type.Array(QueryHistorySummary), metadata: ListMetadata });
export const QueryIdParams = Type.Object({ query_id: PathId });

export const RerankerView = Type.Object({ id: Type.String(), name: Type.String(), enabled: Type.Boolean() });
export const ListRerankersQuery = Type.Object({
  filter: Type.Optional(Type.String({ maxLength: 1000 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  page_key: Type.Optional(Type.String()),
});
export const ListRerankersResponse = Type.Object({ rerankers: Type.Array(RerankerView), metadata: ListMetadata });
