/**
 * Hybrid scoring: one score per candidate part from its lexical (BM25) and vector (cosine)
 * evidence, weighted by Vectara's `lexical_interpolation` λ:
 *
 *   score = λ · bm25 / max(bm25 over the candidates) + (1 − λ) · cosine
 *
 * BM25 is unbounded and query-dependent, so it is scaled by the best lexical score of the query
 * (the top match gets 1); cosine is already on [−1, 1]. A candidate the lexical side did not match
 * counts 0 there; one without a vector counts 0 on the vector side. λ = 1 keeps only lexical
 * matches, ranked by BM25 alone; λ = 0 ranks by cosine alone.
 */
export interface FusionInput {
  id: number;
  /** Higher is better; undefined when the lexical side did not match the part. */
  lexical?: number;
  cosine?: number;
}

export interface Fused {
  id: number;
  score: number;
}

export function fuse(candidates: readonly FusionInput[], lambda: number): Fused[] {
  let maxLexical = 0;
  for (const c of candidates) if (c.lexical !== undefined && c.lexical > maxLexical) maxLexical = c.lexical;
  const out: Fused[] = [];
  for (const c of candidates) {
    if (lambda >= 1 && c.lexical === undefined) continue;
    const lexical = c.lexical !== undefined && maxLexical > 0 ? c.lexical / maxLexical : 0;
    const vector = c.cosine ?? 0;
    out.push({ id: c.id, score: lambda * lexical + (1 - lambda) * vector });
  }
  // Ties broken by part id: the order is deterministic, earlier parts first.
  return out.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** Adds Σ weight × value over the custom dimensions both sides name (Vectara's custom dimensions). */
export function customDimensionBoost(weights: Readonly<Record<string, number>>, values: Readonly<Record<string, number>>): number {
  let boost = 0;
  for (const [name, w] of Object.entries(weights)) {
    const v = values[name];
    if (typeof v === 'number' && w !== 0) boost += w * v;
  }
  return boost;
}
