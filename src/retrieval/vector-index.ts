import { exactSearch, MetricKind } from 'usearch';
import type { PartsVersion, SearchRepository } from '../storage/types.js';

export interface VectorHit {
  id: number;
  /** Cosine similarity (vectors are L2-normalised, so the inner product). */
  cosine: number;
}

const LOAD_BATCH = 10_000;
const FILTER_CACHE_ENTRIES = 64;

/**
 * One corpus's vectors in a single contiguous matrix, the layout the SIMD kernel reads. Rows are
 * in part id order; ids only grow, so new parts append.
 */
class CorpusMatrix {
  dims = 0;
  count = 0;
  ids = new Float64Array(1024);
  data = new Float32Array(0);
  private rows = new Map<number, number>();
  maxId = 0;

  constructor(public version: PartsVersion) {}

  append(batch: ReadonlyArray<{ id: number; vector: Float32Array }>): void {
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
 * with the database: before each search the corpus's change counters are compared, new parts are
 * appended, removed ones dropped, and a re-embedded corpus reloaded. Exact (brute force through
 * usearch's SIMD kernel) rather than approximate: about 2 ms for 100,000 100-dimensional vectors
 * on one core, with recall 1, and nothing to build at start.
 */
export class VectorIndexes {
  private readonly corpora = new Map<number, CorpusMatrix>();
  private readonly refreshing = new Map<number, Promise<CorpusMatrix | null>>();
  /** Part ids that passed recent filters, per corpus version: apps tend to repeat their filters. */
  private readonly filtered = new Map<string, readonly number[]>();

  constructor(private readonly search: SearchRepository) {}

  /** The corpus's matrix, brought up to date; null when the corpus no longer exists. */
  async current(corpusId: number): Promise<CorpusMatrix | null> {
    const pending = this.refreshing.get(corpusId);
    if (pending) return pending;
    const version = await this.search.version(corpusId);
    const cached = this.corpora.get(corpusId);
    if (!version) {
      this.corpora.delete(corpusId);
      return null;
    }
    if (cached && cached.version.parts === version.parts && cached.version.vectors === version.vectors) return cached;
    const work = this.refresh(corpusId, version, cached).finally(() => this.refreshing.delete(corpusId));
    this.refreshing.set(corpusId, work);
    return work;
  }

  private async refresh(corpusId: number, version: PartsVersion, cached: CorpusMatrix | undefined): Promise<CorpusMatrix> {
    const matrix = cached && cached.version.vectors === version.vectors ? cached : new CorpusMatrix(version);
    for (;;) {
      const batch = await this.search.vectorsAfter(corpusId, matrix.maxId, LOAD_BATCH);
      matrix.append(batch);
      if (batch.length < LOAD_BATCH) break;
    }
    if (matrix.count !== (await this.search.partCount(corpusId))) matrix.retain(await this.search.partIds(corpusId));
    matrix.version = version;
    this.corpora.set(corpusId, matrix);
    return matrix;
  }

  /**
   * The `k` parts closest to `query`; `allowed` (ascending ids, from a compiled filter) restricts
   * the search to those parts.
   */
  async nearest(corpusId: number, query: Float32Array, k: number, allowed?: readonly number[]): Promise<VectorHit[]> {
    const m = await this.current(corpusId);
    if (!m || m.count === 0 || k <= 0 || query.length !== m.dims) return [];
    let data = m.data.subarray(0, m.count * m.dims);
    let ids: ArrayLike<number> = m.ids;
    if (allowed) {
      const rows: number[] = [];
      for (const id of allowed) {
        const v = m.vector(id);
        if (v) rows.push(id);
      }
      if (rows.length === 0) return [];
      data = new Float32Array(rows.length * m.dims);
      rows.forEach((id, i) => data.set(m.vector(id)!, i * m.dims));
      ids = rows;
    }
    const n = data.length / m.dims;
    const found = exactSearch(data, query, m.dims, Math.min(k, n), MetricKind.IP) as { keys: BigUint64Array; distances: Float32Array };
    const out: VectorHit[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      out.push({ id: ids[Number(found.keys[i])]!, cosine: 1 - found.distances[i]! });
    }
    return out;
  }

  /**
   * The ids a filter lets through, from `load` (the storage query) or from a small cache keyed by
   * the filter's SQL and parameters and the corpus's version, so it is never stale.
   */
  async filteredIds(corpusId: number, filterKey: string, load: () => Promise<number[]>): Promise<readonly number[]> {
    const m = await this.current(corpusId);
    if (!m) return [];
    const key = `${corpusId}|${m.version.parts}|${m.version.vectors}|${filterKey}`;
    const hit = this.filtered.get(key);
    if (hit) {
      this.filtered.delete(key);
      this.filtered.set(key, hit);
      return hit;
    }
    const ids = await load();
    this.filtered.set(key, ids);
    if (this.filtered.size > FILTER_CACHE_ENTRIES) this.filtered.delete(this.filtered.keys().next().value!);
    return ids;
  }

  /** Cosine similarity of the query to each given part (null for a part without a vector). */
  async similarities(corpusId: number, query: Float32Array, ids: readonly number[]): Promise<Map<number, number>> {
    const m = await this.current(corpusId);
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
    return (await this.current(corpusId))?.vector(id) ?? null;
  }
}
