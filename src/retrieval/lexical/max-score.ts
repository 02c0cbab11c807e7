/**
 * Top-k retrieval over postings with MaxScore pruning (Turtle & Flood, 1995): documents are
 * visited in row order, but only through the postings of "essential" terms, those whose
 * score bounds together could still lift a part into the top k; the others are looked up only
 * for the parts that could still make it. Common terms (low IDF, long postings) stop being
 * essential as soon as k good parts are known, so a query no longer pays for every part that
 * contains "file" or "use".
 */

import { bm25Term } from './bm25.js';

/** One query term's postings (rows ascending, counts per column) and its score bound. */
export interface ScoringTerm {
  rows: Int32Array;
  text: Uint16Array;
  title: Uint16Array;
  n: number;
  idf: number;
  /** No posting scores above this. */
  bound: number;
}

/** What scoring a posting needs besides the term: row lengths, their average, the title weight. */
export interface ScoringContext {
  lengths: Uint32Array;
  avg: number;
  titleWeight: number;
}

export interface RowFilter {
  /** Rows the caller allows (a mask by row); undefined allows all. */
  allowed?: Uint8Array | undefined;
  /** Rows left out whatever they score (undefined: none). */
  excluded?: ReadonlySet<number> | undefined;
}

/**
 * The rows with the `limit` highest total scores (ties: the lower row first), best first. The
 * scores returned are sums in bound order; callers wanting another order of summation recompute.
 */
export function maxScoreTop(terms: readonly ScoringTerm[], ctx: ScoringContext, limit: number, filter: RowFilter): number[] {
  const { lengths, avg, titleWeight } = ctx;
  const { allowed, excluded } = filter;
  const order = [...terms].filter((t) => t.n > 0).sort((a, b) => a.bound - b.bound);
  const m = order.length;
  if (m === 0 || limit <= 0) return [];
  // cumulative[i]: the most terms 0..i together can add.
  const cumulative = new Float64Array(m);
  order.forEach((t, i) => (cumulative[i] = (i > 0 ? cumulative[i - 1]! : 0) + t.bound));
  const pos = new Int32Array(m);
  const heap = new TopRows(limit);
  let firstEssential = 0;

  for (;;) {
    let row = Infinity;
    for (let i = firstEssential; i < m; i++) {
      const t = order[i]!;
      if (pos[i]! < t.n && t.rows[pos[i]!]! < row) row = t.rows[pos[i]!]!;
    }
    if (row === Infinity) break;
    let score = 0;
    for (let i = firstEssential; i < m; i++) {
      const t = order[i]!;
      const j = pos[i]!;
      if (j < t.n && t.rows[j] === row) {
        score += bm25Term(t.idf, t.text[j]! + titleWeight * t.title[j]!, lengths[row]!, avg);
        pos[i] = j + 1;
      }
    }
    if ((allowed && allowed[row] === 0) || (excluded && excluded.has(row))) continue;
    let pruned = false;
    for (let i = firstEssential - 1; i >= 0; i--) {
      // A later row ties below an earlier one, so reaching the threshold is not enough.
      if (heap.full && score + cumulative[i]! <= heap.threshold) {
        pruned = true;
        break;
      }
      const t = order[i]!;
      const j = seek(t.rows, pos[i]!, t.n, row);
      pos[i] = j;
      if (j < t.n && t.rows[j] === row) score += bm25Term(t.idf, t.text[j]! + titleWeight * t.title[j]!, lengths[row]!, avg);
    }
    if (pruned || (heap.full && score <= heap.threshold)) continue;
    heap.add(row, score);
    if (heap.full) while (firstEssential < m && cumulative[firstEssential]! <= heap.threshold) firstEssential++;
  }
  return heap.rows();
}

/** First position ≥ `from` whose row is ≥ `row` (galloping, then binary search). */
function seek(rows: Int32Array, from: number, n: number, row: number): number {
  if (from >= n || rows[from]! >= row) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && rows[hi]! < row) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > n) hi = n;
  // rows[lo] < row; the answer is in (lo, hi].
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]! < row) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The best `limit` rows seen so far: a min-heap by score, a higher row counting as worse on ties. */
class TopRows {
  private readonly heapRows: number[] = [];
  private readonly heapScores: number[] = [];

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.heapRows.length === this.limit;
  }

  /** The worst score kept (meaningful once full). */
  get threshold(): number {
    return this.heapScores[0]!;
  }

  /** Adds a row visited after every row already here (so it loses ties to them). */
  add(row: number, score: number): void {
    const r = this.heapRows;
    const s = this.heapScores;
    if (this.full) {
      r[0] = row;
      s[0] = score;
      this.down(0);
      return;
    }
    r.push(row);
    s.push(score);
    for (let i = r.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Rows best first. */
  rows(): number[] {
    const idx = this.heapRows.map((_, i) => i);
    idx.sort((a, b) => this.heapScores[b]! - this.heapScores[a]! || this.heapRows[a]! - this.heapRows[b]!);
    return idx.map((i) => this.heapRows[i]!);
  }

  private worse(a: number, b: number): boolean {
    const s = this.heapScores;
    return s[a]! < s[b]! || (s[a] === s[b] && this.heapRows[a]! > this.heapRows[b]!);
  }

  private down(i: number): void {
    const n = this.heapRows.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(l, m)) m = l;
      if (r < n && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const r = this.heapRows;
    const s = this.heapScores;
    [r[a], r[b]] = [r[b]!, r[a]!];
    [s[a], s[b]] = [s[b]!, s[a]!];
  }
}
