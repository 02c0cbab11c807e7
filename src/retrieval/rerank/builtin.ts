import { lightStem } from './light-stem.js';
import type { RerankCandidate } from './types.js';

/**
 * Quarry's built-in re-ranker (`quarry-lexical-rerank-v1`): non-neural. It reads each result with
 * its context and scores how well the query's words are covered, at two levels:
 *
 *   - the result itself: BM25 of the query words over its text (light stemming, so word forms
 *     meet), with inverse document frequencies from the whole corpus, and the IDF-weighted share
 *     of the query's words it contains;
 *   - its document: the IDF-weighted share of the query's words found anywhere among the
 *     candidates from the same document. The first stage scores single sentences, while the
 *     words of a question are often spread over several sentences of the right document;
 *   - the first stage's score, so what retrieval knew (vector similarity) is not thrown away.
 */
export interface BuiltinRerankQuery {
  /** Distinct query words, lower-cased, stop words removed. */
  words: readonly string[];
  /** Inverse document frequency per query word (missing: the largest one given). */
  idf: ReadonlyMap<string, number>;
}

export interface BuiltinWeights {
  bm25: number;
  coverage: number;
  document: number;
  firstStage: number;
  k1: number;
  b: number;
}

/** Chosen on the manpages set (bench/quality.ts): the document term lifts nDCG@10 by about 0.01. */
export const BUILTIN_WEIGHTS: BuiltinWeights = { bm25: 0.35, coverage: 0.15, document: 0.5, firstStage: 0.2, k1: 1.2, b: 0.5 };

const WORD = /[\p{L}\p{N}]+/gu;

function stems(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map(lightStem);
}

export function builtinRescore(
  query: BuiltinRerankQuery,
  overrides: Partial<BuiltinWeights> = {},
): (candidates: readonly RerankCandidate[], texts: readonly string[]) => number[] {
  const w = { ...BUILTIN_WEIGHTS, ...overrides };
  const terms = [...new Map(query.words.map((word) => [lightStem(word), word])).entries()];
  const maxIdf = Math.max(1, ...query.idf.values());
  const idfOf = (word: string) => query.idf.get(word) ?? maxIdf;
  const totalIdf = terms.reduce((s, [, word]) => s + idfOf(word), 0);
  const coverage = (present: ReadonlySet<string> | ReadonlyMap<string, number>) =>
    terms.reduce((s, [stem, word]) => s + (present.has(stem) ? idfOf(word) : 0), 0) / totalIdf;

  return (candidates: readonly RerankCandidate[], texts: readonly string[]) => {
    if (terms.length === 0 || totalIdf === 0) return candidates.map((c) => c.score);
    const tokens = texts.map((t) => stems(t));
    const avgLen = tokens.reduce((s, d) => s + d.length, 0) / Math.max(1, tokens.length) || 1;
    const byDocument = new Map<string, Set<string>>();
    tokens.forEach((ts, i) => {
      const key = candidates[i]!.document_id;
      const set = byDocument.get(key) ?? new Set<string>();
      for (const t of ts) set.add(t);
      byDocument.set(key, set);
    });
    const firstScores = candidates.map((c) => c.score);
    const lo = Math.min(...firstScores);
    const hi = Math.max(...firstScores);
    return candidates.map((c, i) => {
      const ts = tokens[i]!;
      const tf = new Map<string, number>();
      for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
      let bm25 = 0;
      for (const [stem, word] of terms) {
        const f = tf.get(stem) ?? 0;
        if (f > 0) bm25 += (idfOf(word) * f * (w.k1 + 1)) / (f + w.k1 * (1 - w.b + (w.b * ts.length) / avgLen));
      }
      const first = hi > lo ? (c.score - lo) / (hi - lo) : 1;
      return (
        w.bm25 * (bm25 / ((w.k1 + 1) * totalIdf)) +
        w.coverage * coverage(tf) +
        w.document * coverage(byDocument.get(c.document_id)!) +
        w.firstStage * first
      );
    });
  };
}
