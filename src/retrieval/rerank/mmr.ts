/**
 * Maximal Marginal Relevance: re-orders candidates so that each next result is relevant to the
 * query but unlike the results already picked. Greedily, each step picks
 *
 *   argmax_i  (1 − b) · rel(i) − b · max_{j picked} cos(i, j)
 *
 * where b is Vectara's `diversity_bias`, rel(i) is the candidate's score min-max normalised over
 * the candidates (all equal → 1), so both terms live on comparable scales, and the max over an
 * empty set (the first pick) counts 0. Equal objectives go to the higher raw score, so b = 0 is
 * exactly the score order and b = 1 still starts from the top-scoring candidate.
 *
 * What Vectara documents, and what this follows:
 * - `diversity_bias` runs from 0 to 1 and larger values favour diversity more
 *   (https://docs.vectara.com/docs/learn/mmr-reranker). So b = 0 is plain relevance order and
 *   b = 1 uses relevance only to break ties. LangChain's Vectara integration describes the bias as one minus the
 *   λ of the textbook MMR formula, which is the form used here
 *   (https://reference.langchain.com/v0.3/python/community/vectorstores/langchain_community.vectorstores.vectara.RerankConfig.html).
 * - Every reranker, MMR included, gives each result a new score, and the stage's `cutoff` and
 *   `limit` are applied to those new scores (the `MMRReranker` schema of the v2 OpenAPI spec,
 *   vectara/vectara-docs www/static/vectara-oas-v2.yaml). So the score reported here is the MMR
 *   objective at the moment the candidate was picked, not its first-stage score.
 * Vectara does not document its exact objective or the normalisation of relevance; the min-max
 * scaling is our choice.
 *
 * Scores come out non-increasing whenever similarities are non-negative: every candidate's
 * objective can only fall as picks accumulate. A negative cosine lowers the penalty below the
 * empty-set 0, so the second score can then exceed the first. The order returned is the result
 * order (chain.ts keeps it rather than re-sorting by score).
 *
 * Cost: one pass over the remaining candidates per pick, keeping each candidate's running max
 * similarity to the picked set, so O(k · n) similarity computations (each O(dim)).
 */
export interface MmrCandidate {
  score: number;
  /** L2-normalised, so the dot product is the cosine; null counts as similarity 0 to everything. */
  vector: Float32Array | null;
}

/**
 * Returns candidate indices in MMR order with the objective each had when picked. `diversityBias`
 * is clamped to [0, 1]. Equal objectives go to the higher raw score, then keep the original
 * (input) order. Stops after `limit` picks (default: all candidates).
 */
export function mmrOrder(
  candidates: readonly MmrCandidate[],
  diversityBias: number,
  limit?: number,
): Array<{ index: number; score: number }> {
  const n = candidates.length;
  const k = limit === undefined ? n : Math.max(0, Math.min(n, Math.floor(limit)));
  const bias = Number.isNaN(diversityBias) ? 0 : Math.min(1, Math.max(0, diversityBias));
  const rel = normalisedScores(candidates);

  // Running max of cos(i, j) over the picked j; only read after the first pick.
  const maxSim = new Float64Array(n);
  const picked = new Uint8Array(n);
  const order: Array<{ index: number; score: number }> = [];

  for (let step = 0; step < k; step++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const penalty = step === 0 ? 0 : maxSim[i]!;
      const value = (1 - bias) * rel[i]! - bias * penalty;
      // On a tie the higher raw score wins, then the earlier candidate. The raw score matters
      // because normalising can round distinct scores to the same rel (a range of 1 swallows a
      // difference of 1e-17); without it bias 0 would not be exactly the score order.
      if (
        best === -1 ||
        value > bestValue ||
        (value === bestValue && candidates[i]!.score > candidates[best]!.score)
      ) {
        best = i;
        bestValue = value;
      }
    }
    picked[best] = 1;
    order.push({ index: best, score: bestValue });

    // With no weight on diversity the similarities never matter; skip the O(n · dim) update.
    if (bias === 0 || step === k - 1) continue;
    const v = candidates[best]!.vector;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const sim = cosine(v, candidates[i]!.vector);
      maxSim[i] = step === 0 ? sim : Math.max(maxSim[i]!, sim);
    }
  }
  return order;
}

/** Scores min-max scaled to [0, 1]; every candidate gets 1 when all scores are equal. */
function normalisedScores(candidates: readonly MmrCandidate[]): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const c of candidates) {
    if (c.score < min) min = c.score;
    if (c.score > max) max = c.score;
  }
  const range = max - min;
  const rel = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) rel[i] = range > 0 ? (candidates[i]!.score - min) / range : 1;
  return rel;
}

/** Dot product of two normalised vectors; 0 when either is missing. */
function cosine(a: Float32Array | null, b: Float32Array | null): number {
  if (a === null || b === null) return 0;
  const len = Math.min(a.length, b.length);
  let dot = 0;
  for (let d = 0; d < len; d++) dot += a[d]! * b[d]!;
  return dot;
}
