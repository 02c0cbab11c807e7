/**
 * The re-rankers `GET /v2/rerankers` lists and requests name. Vectara's published names and
 * legacy ids resolve to Quarry's own implementations (PRODUCT.md, compatibility rules).
 */
export type RerankerKind = 'builtin' | 'mmr' | 'userfn';

export interface RerankerEntry {
  id: string;
  name: string;
  kind: RerankerKind;
  /** Listed by GET /v2/rerankers (legacy ids still resolve when unlisted). */
  listed: boolean;
}

/** Quarry's own re-ranker: lexical and non-neural (see builtin.ts for what it scores). */
export const BUILT_IN_RERANKER = 'quarry-lexical-rerank-v1';

export const RERANKERS: readonly RerankerEntry[] = [
  { id: 'rnk_1', name: BUILT_IN_RERANKER, kind: 'builtin', listed: true },
  // Vectara's multilingual cross-encoder name, served by the built-in lexical re-ranker.
  { id: 'rnk_272725719', name: 'Rerank_Multilingual_v1', kind: 'builtin', listed: true },
  // Vectara's legacy English re-ranker id, served the same way.
  { id: 'rnk_272725717', name: 'Rerank_English_v1', kind: 'builtin', listed: false },
  { id: 'rnk_272725718', name: 'Maximum Marginal Relevance', kind: 'mmr', listed: true },
  { id: 'rnk_272725722', name: 'User Defined Function', kind: 'userfn', listed: true },
];

export const rerankerById = (id: string): RerankerEntry | undefined => RERANKERS.find((r) => r.id === id);
export const rerankerByName = (name: string): RerankerEntry | undefined => RERANKERS.find((r) => r.name === name);
