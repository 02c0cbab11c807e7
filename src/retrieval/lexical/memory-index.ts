import type { PartsVersion, PartTerms } from '../../storage/types.js';
import { bm25Term, idf as bm25Idf } from './bm25.js';
import { maxScoreTop, type ScoringTerm } from './max-score.js';


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
  // For score bounds (max-score.ts): the largest counts and the shortest row among the postings.
  maxText = 0;
  maxTitle = 0;
  minLength = Infinity;
  /** The exact best score share among the postings, for the statistics it was computed under. */
  bestShare: { key: string; value: number } | null = null;

  push(row: number, text: number, title: number, length: number): void {
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
    this.maxText = Math.max(this.maxText, text);
    this.maxTitle = Math.max(this.maxTitle, title);
    this.minLength = Math.min(this.minLength, length);
  }

  /** Position of `row`, or -1. */
  find(row: number): number {
    return sortedIndexOf(this.rows, this.n, row);
  }
}

/** Postings shorter than this get a cheap score bound rather than the exact one (see `bound`). */
const EXACT_BOUND_MIN_POSTINGS = 256;

/** The most a term can add to any of its rows: most counts in the shortest row. */
const bm25TermAt = (p: Postings, titleWeight: number, idf: number, avg: number): number =>
  bm25Term(idf, p.maxText + titleWeight * p.maxTitle, p.minLength, avg);


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
 * Queries walk typed-array postings with MaxScore pruning (max-score.ts), against FTS5's scoring
 * of every matching row through its b-tree.
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
  private readonly masks = new Map<string, Uint8Array>();
  /** Counts changes to the parts held: cached bounds name the count they were computed at. */
  private changes = 0;

  constructor(public version: PartsVersion) {}

  append(batch: readonly PartTerms[]): void {
    if (batch.length > 0) this.changes++;
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
        p.push(row, text, title, part.text.length + part.title.length);
      }
    }
    this.masks.clear();
  }

  /** Keeps only the parts whose id is in `live` (ascending): rows renumbered, postings compacted. */
  retain(live: readonly number[]): void {
    this.changes++;
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
      p.maxText = 0;
      p.maxTitle = 0;
      p.minLength = Infinity;
      for (let j = 0; j < p.n; j++) {
        const r = newRow[p.rows[j]!]!;
        if (r < 0) continue;
        p.rows[k] = r;
        p.text[k] = p.text[j]!;
        p.title[k] = p.title[j]!;
        p.maxText = Math.max(p.maxText, p.text[k]!);
        p.maxTitle = Math.max(p.maxTitle, p.title[k]!);
        p.minLength = Math.min(p.minLength, this.lengths[r]!);
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
   * `allowed` (a row mask from `mask`) restricts them. Candidates are found with MaxScore
   * pruning; the scores returned are summed in query order, as FTS5 sums them.
   */
  search(query: TermQuery, options: { limit: number; titleWeight: number; allowed?: Uint8Array }): ScoredPart[] {
    const { limit, titleWeight, allowed } = options;
    if (this.count === 0 || limit <= 0) return [];
    const avg = this.totalLength / this.count;
    const lengths = this.lengths;
    const terms: ScoringTerm[] = [];
    for (const term of query.terms) {
      const p = this.terms.get(term);
      if (!p) continue;
      const idf = this.idf(p.n);
      terms.push({ rows: p.rows, text: p.text, title: p.title, n: p.n, idf, bound: this.bound(p, titleWeight, idf, avg) });
    }
    const excluded = this.rowsWith(query.excluded);
    const rows = maxScoreTop(terms, { lengths, avg, titleWeight }, limit, { allowed, excluded: excluded.size > 0 ? excluded : undefined });
    return rows
      .map((row) => ({ id: this.ids[row]!, score: this.rowScore(query, row, titleWeight, avg)! }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** BM25 of the given parts (those matching the query; others are left out). */
  scoreParts(query: TermQuery, ids: readonly number[], titleWeight: number): ScoredPart[] {
    if (this.count === 0) return [];
    const avg = this.totalLength / this.count;
    const excluded = this.rowsWith(query.excluded);
    const out: ScoredPart[] = [];
    for (const id of ids) {
      const row = this.rowOf(id);
      if (row < 0 || excluded.has(row)) continue;
      const score = this.rowScore(query, row, titleWeight, avg);
      if (score !== null) out.push({ id, score });
    }
    return out;
  }

  /**
   * No posting of the term scores above this (a hair added for rounding). The exact maximum is
   * one pass over the postings, kept until the corpus changes: a corpus queried many times
   * between changes pays it once per term, and tight bounds are what lets MaxScore skip. Long
   * postings are worth it; short ones get the cheap bound from their largest counts and
   * shortest row.
   */
  private bound(p: Postings, titleWeight: number, idf: number, avg: number): number {
    if (p.n < EXACT_BOUND_MIN_POSTINGS) return bm25TermAt(p, titleWeight, idf, avg) * (1 + 1e-9);
    const key = `${titleWeight}|${this.changes}`;
    if (p.bestShare?.key !== key) {
      let best = 0;
      for (let j = 0; j < p.n; j++) best = Math.max(best, bm25Term(idf, p.text[j]! + titleWeight * p.title[j]!, this.lengths[p.rows[j]!]!, avg));
      p.bestShare = { key, value: best };
    }
    return p.bestShare.value * (1 + 1e-9);
  }

  /** A row's score, summed over the query terms in order; null when none occurs in it. */
  private rowScore(query: TermQuery, row: number, titleWeight: number, avg: number): number | null {
    let score: number | null = null;
    for (const term of query.terms) {
      const p = this.terms.get(term);
      const j = p ? p.find(row) : -1;
      if (j >= 0) score = (score ?? 0) + bm25Term(this.idf(p!.n), p!.text[j]! + titleWeight * p!.title[j]!, this.lengths[row]!, avg);
    }
    return score;
  }

  /** Rows containing any of the terms. */
  private rowsWith(terms: readonly string[]): Set<number> {
    const rows = new Set<number>();
    for (const term of terms) {
      const p = this.terms.get(term);
      if (p) for (let j = 0; j < p.n; j++) rows.add(p.rows[j]!);
    }
    return rows;
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
    return bm25Idf(this.count, df);
  }

  private rowOf(id: number): number {
    return sortedIndexOf(this.ids, this.count, id);
  }
}
