import type { ContextConfig } from '../../retrieval/context.js';

/**
 * One shape for the three query operations (GET and POST on a corpus, POST /v2/query across
 * corpora): what to search, where, and how to present it. Routes build it; the service runs it.
 */
export type Semantics = 'default' | 'query' | 'response';

export interface CorpusSearch {
  corpus_key: string;
  /** This corpus's own query text, when it differs from the request's. */
  query?: string;
  metadata_filter?: string;
  lexical_interpolation?: number;
  semantics?: Semantics;
  custom_dimensions?: Record<string, number>;
  /** Where this corpus's settings sit in the request body, for error messages. */
  field: string;
}

export interface RerankerSpec {
  type?: string;
  reranker_id?: string;
  reranker_name?: string;
  user_function?: string;
  diversity_bias?: number;
  rerankers?: RerankerSpec[];
  limit?: number;
  cutoff?: number;
  include_context?: boolean;
}

export interface QueryPlan {
  query: string;
  corpora: CorpusSearch[];
  offset: number;
  limit: number;
  context?: ContextConfig;
  reranker?: RerankerSpec;
  save_history?: boolean;
  stream_response: boolean;
  /** `intelligent_query_rewriting`: Quarry has no query rewriter, so it answers with a warning. */
  rewriting_requested: boolean;
  /** The request as a multi-corpus QueryRequest, which is how history shows every query. */
  asQueryRequest: Record<string, unknown>;
}

type Body = Record<string, unknown>;
const obj = (v: unknown): Body => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : {});

function corpusSearch(spec: Body, key: string, field: string): CorpusSearch {
  return {
    corpus_key: key,
    ...(typeof spec.query === 'string' ? { query: spec.query } : {}),
    ...(typeof spec.metadata_filter === 'string' ? { metadata_filter: spec.metadata_filter } : {}),
    ...(typeof spec.lexical_interpolation === 'number' ? { lexical_interpolation: spec.lexical_interpolation } : {}),
    ...(typeof spec.semantics === 'string' ? { semantics: spec.semantics as Semantics } : {}),
    ...(spec.custom_dimensions ? { custom_dimensions: spec.custom_dimensions as Record<string, number> } : {}),
    field,
  };
}

function common(body: Body, search: Body) {
  return {
    query: String(body.query ?? ''),
    offset: typeof search.offset === 'number' ? search.offset : 0,
    limit: typeof search.limit === 'number' ? search.limit : 10,
    ...(search.context_configuration ? { context: search.context_configuration as ContextConfig } : {}),
    ...(search.reranker ? { reranker: search.reranker as RerankerSpec } : {}),
    ...(typeof body.save_history === 'boolean' ? { save_history: body.save_history } : {}),
    stream_response: body.stream_response === true,
    rewriting_requested: body.intelligent_query_rewriting === true,
  };
}

/** POST /v2/corpora/{key}/query: the corpus's settings sit directly under `search`. */
export function planCorpusQuery(corpusKey: string, body: Body): QueryPlan {
  const search = obj(body.search);
  const { offset, limit, context_configuration, reranker, ...corpusFields } = search;
  void offset, void limit, void context_configuration, void reranker;
  return {
    ...common(body, search),
    corpora: [corpusSearch(search, corpusKey, 'search')],
    asQueryRequest: { ...body, search: { ...search, corpora: [{ ...corpusFields, corpus_key: corpusKey }] } },
  };
}

/** GET /v2/corpora/{key}/query: query string parameters only. */
export function planSearchCorpus(
  corpusKey: string,
  q: { query: string; limit?: number; offset?: number; save_history?: boolean; intelligent_query_rewriting?: boolean },
): QueryPlan {
  const search: Body = { limit: q.limit ?? 10, offset: q.offset ?? 0 };
  return planCorpusQuery(corpusKey, {
    query: q.query,
    search,
    ...(q.save_history !== undefined ? { save_history: q.save_history } : {}),
    ...(q.intelligent_query_rewriting !== undefined ? { intelligent_query_rewriting: q.intelligent_query_rewriting } : {}),
  });
}

/** POST /v2/query: each corpus with its own settings under `search.corpora[i]`. */
export function planQuery(body: Body): QueryPlan {
  const search = obj(body.search);
  const corpora = (Array.isArray(search.corpora) ? search.corpora : []).map((c, i) =>
    corpusSearch(obj(c), String(obj(c).corpus_key), `search.corpora[${i}]`),
  );
  return { ...common(body, search), corpora, asQueryRequest: body };
}
