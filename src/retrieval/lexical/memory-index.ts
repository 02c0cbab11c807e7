import type { PartsVersion, PartTerms } from '../../storage/types.js';

/** FTS5's bm25() constants. */
const K1 = 1.2;
const B = 0.75;
/** FTS5 floors a non-positive IDF (a term in more than half the rows) at this. */
const MIN_IDF = 1e-6;

export interface ScoredPart {
  id: number;
  /** BM25, higher is better: the negated value of FTS5's bm25() over the same statistics. */
  score: number;
}

/** A query as the index scores it: one term per query word (repeats count, as in FTS5), and
 * the terms whose parts are left out. */
export interface TermQuery {
  terms: readonly string[];
  excluded: readonly string[];
}

/** Growable postings of one term: rows ascending, with the term's count in each column. */
class Postings {
  n = 0;
  rows = new Int32Array(4);
  text = new Uint16Array(4);
  title = new Uint16Array(4);

  push(row: number, text: number, title: number): void {
    if (this.n === this.rows.length) {
      const size = this.n * 2;
      this.rows = grow(this.rows, new Int32Array(size));
      this.text = grow(this.text, new Uint16Array(size));
      this.title = grow(this.title, new Uint16Array(size));
    }
    this.rows[this.n] = row;
    this.text[this.n] = Math.min(text, 0xffff);
    this.title[this.n] = Math.min(title, 0xffff);
    this.n++;
  }

  /** Position of `row`, or -1. */
  find(row: number): number {
    return sortedIndexOf(this.rows, this.n, row);
  }
}

/** One term's share of a row's score, written in FTS5's order of operations. */
const bm25Term = (idf: number, f: number, length: number, avg: number): number => idf * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / avg)));

/** Position of `value` among the first `n` (ascending) entries of `list`, or -1. */
function sortedIndexOf(list: Int32Array, n: number, value: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function grow<T extends Int32Array | Uint16Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * One corpus's parts as an in-memory inverted index, scoring exactly as FTS5's bm25() does
 * (k1 1.2, b 0.75, IDF ln((N − n + 0.5)/(n + 0.5)) floored at 1e-6, the row's length over all
 * columns, a weight per column), with N, n and the average length counted over this corpus's
 * parts as they are now (FTS5's contentless index counts every corpus, and keeps counting deleted
 * rows in its averages).
 * Scoring is term at a time into a dense accumulator: a few typed-array passes over the query
 * terms' postings, against FTS5's row-by-row evaluation through its b-tree.
 *
 * Rows are the corpus's parts in id order; ids only grow, so new parts append. Removing parts
 * compacts the postings (`retain`).
 */
export class LexicalMemoryIndex {
  count = 0;
  maxId = 0;
  private ids = new Int32Array(1024);
  private lengths = new Uint32Array(1024);
  private totalLength = 0;
  private readonly terms = new Map<string, Postings>();
  // Per-query scratch, reused: a stamp marks the rows the current query touched.
  private scores = new Float64Array(0);
  private stamps = new Uint32Array(0);
  private stamp = 0;
  private readonly masks = new Map<string, Uint8Array>();

  constructor(public version: PartsVersion) {}

  append(batch: readonly PartTerms[]): void {
    for (const part of batch) {
      this.maxId = Math.max(this.maxId, part.id);
      const row = this.count++;
      if (row === this.ids.length) {
        this.ids = grow(this.ids, new Int32Array(row * 2));
        this.lengths = grow(this.lengths, new Uint32Array(row * 2));
      }
      this.ids[row] = part.id;
      this.lengths[row] = part.text.length + part.title.length;
      this.totalLength += part.text.length + part.title.length;
      const counts = new Map<string, [number, number]>();
      for (const t of part.text) {
        const c = counts.get(t);
        if (c) c[0]++;
        else counts.set(t, [1, 0]);
      }
      for (const t of part.title) {
        const c = counts.get(t);
        if (c) c[1]++;
        else counts.set(t, [0, 1]);
      }
      for (const [term, [text, title]] of counts) {
        let p = this.terms.get(term);
        if (!p) this.terms.set(term, (p = new Postings()));
        p.push(row, text, title);
      }
    }
    this.masks.clear();
  }

  /** Keeps only the parts whose id is in `live` (ascending): rows renumbered, postings compacted. */
  retain(live: readonly number[]): void {
    const keep = new Set(live);
    const newRow = new Int32Array(this.count).fill(-1);
    let w = 0;
    this.totalLength = 0;
    for (let r = 0; r < this.count; r++) {
      if (!keep.has(this.ids[r]!)) continue;
      newRow[r] = w;
      this.ids[w] = this.ids[r]!;
      this.lengths[w] = this.lengths[r]!;
      this.totalLength += this.lengths[w]!;
      w++;
    }
    this.count = w;
    for (const [term, p] of this.terms) {
      let k = 0;
      for (let j = 0; j < p.n; j++) {
        const r = newRow[p.rows[j]!]!;
        if (r < 0) continue;
        p.rows[k] = r;
        p.text[k] = p.text[j]!;
        p.title[k] = p.title[j]!;
        k++;
      }
      p.n = k;
      if (k === 0) this.terms.delete(term);
    }
    this.masks.clear();
  }

  /** How many of the corpus's parts contain the term. */
  documentFrequency(term: string): number {
    return this.terms.get(term)?.n ?? 0;
  }

  /**
   * The `limit` best parts matching any query term and no excluded one, best first (ties by id);
   * `allowed` (a row mask from `mask`) restricts them.
   */
  search(query: TermQuery, options: { limit: number; titleWeight: number; allowed?: Uint8Array }): ScoredPart[] {
    const { limit, titleWeight, allowed } = options;
    if (this.count === 0 || limit <= 0) return [];
    this.prepareScratch();
    const stamp = ++this.stamp;
    const { scores, stamps } = this;
    const touched: number[] = [];
    const avg = this.totalLength / this.count;
    for (const term of query.terms) {
      const p = this.terms.get(term);
      if (!p) continue;
      const idf = this.idf(p.n);
      const { rows, text, title, n } = p;
      for (let j = 0; j < n; j++) {
        const r = rows[j]!;
        if (allowed && allowed[r] === 0) continue;
        const f = text[j]! + titleWeight * title[j]!;
        const s = bm25Term(idf, f, this.lengths[r]!, avg);
        if (stamps[r] === stamp) scores[r]! += s;
        else {
          stamps[r] = stamp;
          scores[r] = s;
          touched.push(r);
        }
      }
    }
    for (const term of query.excluded) {
      const p = this.terms.get(term);
      if (!p) continue;
      for (let j = 0; j < p.n; j++) if (stamps[p.rows[j]!] === stamp) scores[p.rows[j]!] = Number.NaN;
    }
    return this.best(touched, limit);
  }

  /** BM25 of the given parts (those matching the query; others are left out). */
  scoreParts(query: TermQuery, ids: readonly number[], titleWeight: number): ScoredPart[] {
    if (this.count === 0) return [];
    const avg = this.totalLength / this.count;
    const postings = query.terms.map((t) => this.terms.get(t));
    const excluded = query.excluded.map((t) => this.terms.get(t)).filter((p): p is Postings => p !== undefined);
    const out: ScoredPart[] = [];
    for (const id of ids) {
      const row = this.rowOf(id);
      if (row < 0 || excluded.some((p) => p.find(row) >= 0)) continue;
      let score = 0;
      let matched = false;
      for (const p of postings) {
        const j = p ? p.find(row) : -1;
        if (j < 0) continue;
        matched = true;
        const f = p!.text[j]! + titleWeight * p!.title[j]!;
        score += bm25Term(this.idf(p!.n), f, this.lengths[row]!, avg);
      }
      if (matched) out.push({ id, score });
    }
    return out;
  }

  /**
   * A row mask of the parts whose ids are in `ids` (ascending), cached under `key` until the
   * index changes.
   */
  mask(key: string, ids: readonly number[]): Uint8Array {
    let m = this.masks.get(key);
    if (m) return m;
    m = new Uint8Array(this.count);
    let r = 0;
    for (const id of ids) {
      while (r < this.count && this.ids[r]! < id) r++;
      if (r === this.count) break;
      if (this.ids[r] === id) m[r] = 1;
    }
    if (this.masks.size >= 16) this.masks.delete(this.masks.keys().next().value!);
    this.masks.set(key, m);
    return m;
  }

  private idf(df: number): number {
    const idf = Math.log((this.count - df + 0.5) / (df + 0.5));
    return idf > 0 ? idf : MIN_IDF;
  }

  private rowOf(id: number): number {
    return sortedIndexOf(this.ids, this.count, id);
  }

  private prepareScratch(): void {
    if (this.scores.length < this.count) {
      this.scores = new Float64Array(this.ids.length);
      this.stamps = new Uint32Array(this.ids.length);
      this.stamp = 0;
    }
  }

  /** The `limit` highest-scoring touched rows, best first, ties by id: a bounded min-heap. */
  private best(touched: readonly number[], limit: number): ScoredPart[] {
    const heap: number[] = [];
    const { scores } = this;
    // Worse = lower score, or equal score and a higher id (rows are in id order).
    const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
        if (rr < heap.length && worse(heap[rr]!, heap[m]!)) m = rr;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (const r of touched) {
      if (Number.isNaN(scores[r])) continue;
      if (heap.length < limit) {
        heap.push(r);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!worse(heap[i]!, heap[parent]!)) break;
          [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
          i = parent;
        }
      } else if (worse(heap[0]!, r)) {
        heap[0] = r;
        down(0);
      }
    }
    return heap
      .sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0))
      .map((r) => ({ id: this.ids[r]!, score: scores[r]! }));
  }
}
