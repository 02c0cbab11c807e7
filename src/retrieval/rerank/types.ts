/**
 * What re-rankers see and return. A re-ranker is a pure function of the query and the candidates
 * (already ordered best-first by the first stage); it returns new scores, and the chain runner
 * (chain.ts) applies each stage's `cutoff` and `limit` the same way for every kind.
 */
export interface RerankCandidate {
  /** Position in the first stage's list; stable identity through the chain. */
  index: number;
  score: number;
  /** The part's own text. */
  text: string;
  /** The part with its context (as `context_configuration` asks); equals `text` without one. */
  context_text: string;
  document_id: string;
  document_metadata: Record<string, unknown>;
  part_metadata: Record<string, unknown>;
  /** The part's L2-normalised vector, when it has one (MMR compares results with it). */
  vector: Float32Array | null;
}

/** A new score per candidate, in the order given; null drops the candidate (user functions). */
export type Rescore = (
  candidates: readonly RerankCandidate[],
  texts: readonly string[],
) => Array<number | null> | Promise<Array<number | null>>;

/** One stage as the chain runs it. */
export interface RerankStage {
  kind: 'customer_reranker' | 'userfn' | 'mmr' | 'none';
  /** For customer rerankers: which implementation (the built-in lexical one, or a model). */
  implementation?: 'builtin' | 'model';
  /** The reranker's name as history shows it. */
  name: string;
  rescore: Rescore | null;
  /** For MMR: it orders the candidates itself instead of sorting by score. */
  order?: (candidates: readonly RerankCandidate[]) => Array<{ index: number; score: number }>;
  limit?: number;
  cutoff?: number;
  /** Whether the stage reads the result's context (customer rerankers; default true). */
  includeContext: boolean;
}
