import { lightStem } from './light-stem.js';
import type { RerankCandidate, Rescore } from './types.js';

/**
 * Quarry's built-in re-ranker (`quarry-lexical-rerank-v1`): non-neural. It reads each result with
 * its context and its document's title, and scores how well the query's words are covered there:
 *
 *   - BM25 of the query words over that text (light stemming, so word forms meet), with inverse
 *     document frequencies taken from the whole corpus;
 *   - coverage: the IDF-weighted share of the query's words present at all;
 *   - the first stage's score, so what retrieval knew (vector similarity) is not thrown away.
 *
 * The window is what makes it better than the first stage: the first stage scores single
 * sentences, while the words of a question are often spread over neighbouring ones.
 */
export interface BuiltinRerankQuery {
  /** Distinct query words, lower-cased, stop words removed. */
  words: readonly string[];
  /** Inverse document frequency per query word (missing: the largest one given). */
  idf: ReadonlyMap<string, number>;
}

const K1 = 1.2;
const B = 0.5;
const WEIGHTS = { bm25: 0.55, coverage: 0.25, firstStage: 0.2 };
const WORD = /[\p{L}\p{N}]+/gu;

function stems(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map(lightStem);
}

export function builtinRescore(query: BuiltinRerankQuery): Rescore {
  const terms = [...new Map(query.words.map((w) => [lightStem(w), w])).entries()];
  const maxIdf = Math.max(1, ...query.idf.values());
  const idfOf = (word: string) => query.idf.get(word) ?? maxIdf;
  const totalIdf = terms.reduce((s, [, w]) => s + idfOf(w), 0);
  return (candidates: readonly RerankCandidate[], texts: readonly string[]) => {
    if (terms.length === 0 || totalIdf === 0) return candidates.map((c) => c.score);
    const docs = candidates.map((c, i) => {
      const title = c.document_metadata.title;
      return stems(`${typeof title === 'string' ? title : ''} ${texts[i] ?? ''}`);
    });
    const avgLen = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length) || 1;
    const firstScores = candidates.map((c) => c.score);
    const lo = Math.min(...firstScores);
    const hi = Math.max(...firstScores);
    return candidates.map((c, i) => {
      const tokens = docs[i]!;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      let bm25 = 0;
      let covered = 0;
      for (const [stem, word] of terms) {
        const f = tf.get(stem) ?? 0;
        if (f === 0) continue;
        const idf = idfOf(word);
        covered += idf;
        bm25 += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * tokens.length) / avgLen));
      }
      const first = hi > lo ? (c.score - lo) / (hi - lo) : 1;
      return WEIGHTS.bm25 * (bm25 / ((K1 + 1) * totalIdf)) + WEIGHTS.coverage * (covered / totalIdf) + WEIGHTS.firstStage * first;
    });
  };
}
