import type { RerankCandidate, RerankStage } from './types.js';

export interface StageOutcome {
  stage: RerankStage;
  /** The candidates after the stage, best first, with the scores it gave. */
  results: RerankCandidate[];
  /** Each result's score before the stage, by candidate index. */
  before: Map<number, number>;
}

/**
 * Runs re-ranking stages in order. Each stage rescores (or, for MMR, reorders) what the previous
 * one left, then drops results scoring below its `cutoff`, then keeps its first `limit`. A null
 * score (a user function's "drop") removes the result. Equal scores keep the earlier order.
 */
export async function runStages(stages: readonly RerankStage[], candidates: readonly RerankCandidate[]): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  let current = [...candidates];
  for (const stage of stages) {
    const before = new Map(current.map((c) => [c.index, c.score]));
    let next: RerankCandidate[];
    if (stage.order) {
      const byIndex = new Map(current.map((c) => [c.index, c]));
      next = stage.order(current).map(({ index, score }) => ({ ...byIndex.get(index)!, score }));
    } else if (stage.rescore) {
      const texts = current.map((c) => (stage.includeContext ? c.context_text : c.text));
      const scores = await stage.rescore(current, texts);
      next = current
        .map((c, i) => ({ c, i, s: scores[i] }))
        .filter((x): x is { c: RerankCandidate; i: number; s: number } => typeof x.s === 'number' && Number.isFinite(x.s))
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .map(({ c, s }) => ({ ...c, score: s }));
    } else {
      next = current;
    }
    if (stage.cutoff !== undefined) next = next.filter((c) => c.score >= stage.cutoff!);
    if (stage.limit !== undefined) next = next.slice(0, stage.limit);
    outcomes.push({ stage, results: next, before });
    current = next;
  }
  return outcomes;
}
