/**
 * The re-rankers `GET /v2/rerankers` lists and requests name. Vectara's published names and
 * legacy ids resolve to Quarry's own implementations (PRODUCT.md, compatibility rules); local
 * cross-encoder models configured by the operator are added after them.
 */
export type RerankerKind = 'builtin' | 'mmr' | 'userfn' | 'model';

export interface RerankerEntry {
  id: string;
  name: string;
  kind: RerankerKind;
  /** Listed by GET /v2/rerankers (legacy ids still resolve when unlisted). */
  listed: boolean;
}

/** Quarry's own re-ranker: lexical and non-neural (see builtin.ts for what it scores). */
export const BUILT_IN_RERANKER = 'quarry-lexical-rerank-v1';

const FIXED: readonly RerankerEntry[] = [
  { id: 'rnk_1', name: BUILT_IN_RERANKER, kind: 'builtin', listed: true },
  // Vectara's multilingual cross-encoder name, served by the built-in lexical re-ranker.
  { id: 'rnk_272725719', name: 'Rerank_Multilingual_v1', kind: 'builtin', listed: true },
  // Vectara's legacy English re-ranker id, served the same way.
  { id: 'rnk_272725717', name: 'Rerank_English_v1', kind: 'builtin', listed: false },
  { id: 'rnk_272725718', name: 'Maximum Marginal Relevance', kind: 'mmr', listed: true },
  { id: 'rnk_272725722', name: 'User Defined Function', kind: 'userfn', listed: true },
];

/** Ids of configured models start here, in configuration order. */
const MODEL_ID_BASE = 1000;

export class RerankerCatalog {
  readonly entries: readonly RerankerEntry[];

  constructor(modelNames: readonly string[] = []) {
    const models = modelNames
      .filter((name) => !FIXED.some((f) => f.name === name))
      .map((name, i): RerankerEntry => ({ id: `rnk_${MODEL_ID_BASE + i}`, name, kind: 'model', listed: true }));
    this.entries = [...FIXED, ...models];
  }

  byId(id: string): RerankerEntry | undefined {
    return this.entries.find((r) => r.id === id);
  }

  byName(name: string): RerankerEntry | undefined {
    return this.entries.find((r) => r.name === name);
  }
}
