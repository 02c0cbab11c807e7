import { exactSearch, MetricKind } from 'usearch';
import type { PartsVersion, SearchRepository } from '../storage/types.js';
import { CorpusSnapshots } from './corpus-snapshots.js';

export interface VectorHit {
  id: number;
  /** Cosine similarity (vectors are L2-normalised, so the inner product). */
  cosine: number;
}

/** Bytes of filtered sub-matrices kept for repeated filters (see `nearest`). */
const SUBSET_CACHE_BYTES = 256 * 1024 * 1024;

/** A set of parts a filter lets through: its ids (ascending) and a key naming the set. */
export interface AllowedParts {
  key: string;
  ids: readonly number[];
}

/**
 * One corpus's vectors in a single contiguous matrix, the layout the SIMD kernel reads. Rows are
 * in part id order; ids only grow, so new parts append.
 */
class CorpusMatrix {
  /** Filtered sub-matrices, by the key of their allowed set. */
  readonly subsets = new Map<string, { data: Float32Array; ids: number[] }>();
  subsetBytes = 0;

  dims = 0;
  count = 0;
  ids = new Float64Array(1024);
  data = new Float32Array(0);
  private rows = new Map<number, number>();
  maxId = 0;

  constructor(public version: PartsVersion) {}

  append(batch: ReadonlyArray<{ id: number; vector: Float32Array }>): void {
    this.dropSubsets();
    for (const { id, vector } of batch) {
      this.maxId = Math.max(this.maxId, id);
      if (vector.length === 0) continue;
      if (this.dims === 0) this.dims = vector.length;
      if (vector.length !== this.dims) continue;
      this.reserve(this.count + 1);
      this.data.set(vector, this.count * this.dims);
      this.ids[this.count] = id;
      this.rows.set(id, this.count);
      this.count++;
    }
  }

  private reserve(n: number): void {
    if (this.ids.length < n) {
      const ids = new Float64Array(Math.max(n, this.ids.length * 2));
      ids.set(this.ids.subarray(0, this.count));
      this.ids = ids;
    }
    if (this.data.length < n * this.dims) {
      const data = new Float32Array(Math.max(n, this.data.length / Math.max(1, this.dims) * 2) * this.dims);
      data.set(this.data.subarray(0, this.count * this.dims));
      this.data = data;
    }
  }

  /** Keeps only the rows whose id is in `live` (ascending), in order. */
  retain(live: readonly number[]): void {
    this.dropSubsets();
    const keep = new Set(live);
    let w = 0;
    this.rows.clear();
    for (let r = 0; r < this.count; r++) {
      const id = this.ids[r]!;
      if (!keep.has(id)) continue;
      if (w !== r) this.data.copyWithin(w * this.dims, r * this.dims, (r + 1) * this.dims);
      this.ids[w] = id;
      this.rows.set(id, w);
      w++;
    }
    this.count = w;
  }

  private dropSubsets(): void {
    this.subsets.clear();
    this.subsetBytes = 0;
  }

  /**
   * The rows of the allowed parts packed into their own matrix, built once per allowed set:
   * packing half of 100,000 vectors costs far more than searching them.
   */
  subset(allowed: AllowedParts): { data: Float32Array; ids: number[] } {
    const cached = this.subsets.get(allowed.key);
    if (cached) return cached;
    const ids: number[] = [];
    for (const id of allowed.ids) if (this.rows.has(id)) ids.push(id);
    const data = new Float32Array(ids.length * this.dims);
    ids.forEach((id, i) => data.set(this.vector(id)!, i * this.dims));
    const entry = { data, ids };
    while (this.subsets.size > 0 && this.subsetBytes + data.byteLength > SUBSET_CACHE_BYTES) {
      const [oldest, old] = this.subsets.entries().next().value!;
      this.subsets.delete(oldest);
      this.subsetBytes -= old.data.byteLength;
    }
    if (data.byteLength <= SUBSET_CACHE_BYTES) {
      this.subsets.set(allowed.key, entry);
      this.subsetBytes += data.byteLength;
    }
    return entry;
  }

  vector(id: number): Float32Array | null {
    const r = this.rows.get(id);
    return r === undefined ? null : this.data.subarray(r * this.dims, (r + 1) * this.dims);
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Exact nearest-neighbour search over each corpus's vectors, held in memory and kept current
 * with the database (retrieval/corpus-snapshots). Exact (brute force through usearch's SIMD
 * kernel) rather than approximate: about 2 ms for 100,000 100-dimensional vectors on one core,
 * with recall 1, and nothing to build at start.
 */
export class VectorIndexes {
  private readonly snapshots;

  constructor(search: SearchRepository) {
    this.snapshots = new CorpusSnapshots(search, (version) => new CorpusMatrix(version), (corpusId, afterId, limit) =>
      search.vectorsAfter(corpusId, afterId, limit),
    );
  }

  /**
   * The `k` parts closest to `query`; `allowed` (from a compiled filter) restricts the search to
   * those parts.
   */
  async nearest(corpusId: number, query: Float32Array, k: number, allowed?: AllowedParts): Promise<VectorHit[]> {
    const m = await this.snapshots.current(corpusId);
    if (!m || m.count === 0 || k <= 0 || query.length !== m.dims) return [];
    let data: Float32Array = m.data.subarray(0, m.count * m.dims);
    let ids: ArrayLike<number> = m.ids;
    if (allowed) {
      const subset = m.subset(allowed);
      if (subset.ids.length === 0) return [];
      data = subset.data;
      ids = subset.ids;
    }
    const n = data.length / m.dims;
    const found = exactSearch(data, query, m.dims, Math.min(k, n), MetricKind.IP) as { keys: BigUint64Array; distances: Float32Array };
    const out: VectorHit[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      out.push({ id: ids[Number(found.keys[i])]!, cosine: 1 - found.distances[i]! });
    }
    return out;
  }

  /** Cosine similarity of the query to each given part (null for a part without a vector). */
  async similarities(corpusId: number, query: Float32Array, ids: readonly number[]): Promise<Map<number, number>> {
    const m = await this.snapshots.current(corpusId);
    const out = new Map<number, number>();
    if (!m || query.length !== m.dims) return out;
    for (const id of ids) {
      const v = m.vector(id);
      if (v) out.set(id, dot(v, query));
    }
    return out;
  }

  /** The stored vector of a part, for re-rankers that compare results (MMR). */
  async vectorOf(corpusId: number, id: number): Promise<Float32Array | null> {
    return (await this.snapshots.current(corpusId))?.vector(id) ?? null;
  }
}
