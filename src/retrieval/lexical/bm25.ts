/** BM25 exactly as FTS5's bm25() computes it (fts5_aux.c), so scores can be compared with it. */

const K1 = 1.2;
const B = 0.75;
/** FTS5 floors a non-positive IDF (a term in more than half the rows) at this. */
const MIN_IDF = 1e-6;

/** ln((N − n + 0.5)/(n + 0.5)) for a term in `df` of `rows` rows, floored as FTS5 does. */
export function idf(rows: number, df: number): number {
  const value = Math.log((rows - df + 0.5) / (df + 0.5));
  return value > 0 ? value : MIN_IDF;
}

/**
 * One term's share of a row's score: `f` its weighted count in the row (column weights applied),
 * `length` the row's tokens over all columns, `avg` the average of that. Written in FTS5's order
 * of operations, so the floating-point result is the same.
 */
export function bm25Term(idfValue: number, f: number, length: number, avg: number): number {
  return idfValue * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / avg)));
}
