import { exactSearch, MetricKind } from 'usearch';
import type { PartsVersion, SearchRepository } from '../storage/types.js';
import { CorpusSnapshots } from './corpus-snapshots.js';
import { offsetFree, VectorGraph } from './vector-graph.js';

export interface VectorHit {
  id: number;
  /** Cosine similarity (vectors are L2-normalised, so the inner product). */
  cosine: number;
}

/** Bytes of filtered sub-matrices kept for repeated filters (see `nearest`). */
const SUBSET_CACHE_BYTES = 256 * 1024 * 1024;
/** Rows appended since the graph was built that trigger a rebuild: this many, or this share. */
const GRAPH_STALE_ROWS = 5_000;
const GRAPH_STALE_SHARE = 0.2;

/** Where graph builds are reported (the app's logger). */
export interface GraphLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A set of parts a filter lets through: its ids (ascending) and a key naming the set. */
export interface AllowedParts {
  key: string;
  ids: readonly number[];
}

/** A filter's parts: their vectors packed (for exact search) and their ids. */
interface Subset {
  data: Float32Array;
  ids: number[];
  members: Set<number>;
}

/** A filter letting through at least this share of a corpus searches its graph, then filters. */
const GRAPH_FILTER_MIN_SHARE = 0.2;
/** How many more neighbours than the share alone suggests are fetched before filtering. */
const GRAPH_FILTER_OVERSAMPLING = 3;

/**
 * One corpus's vectors in a single contiguous matrix, the layout the SIMD kernel reads. Rows are
 * in part id order; ids only grow, so new parts append.
 */
class CorpusMatrix {
  /** Filtered sub-matrices, by the key of their allowed set. */
  readonly subsets = new Map<string, Subset>();
  subsetBytes = 0;
  /** HNSW over the first `graph.rows` rows; rows after them are searched exactly. */
  graph: VectorGraph | null = null;
  graphBuild: Promise<void> | null = null;
  /** The row count at which a build last failed (not retried until the corpus changes). */
  graphFailedAt = -1;
  private tailCopy: { from: number; count: number; data: Float32Array } | null = null;
  /** Bumped when rows are renumbered: a graph built before is dropped. */
  generation = 0;

  dims = 0;
  count = 0;
  ids = new Float64Array(1024);
  data = new Float32Array(0);
  private rows = new Map<number, number>();
  maxId = 0;

  constructor(public version: PartsVersion) {}

  append(batch: ReadonlyArray<{ id: number; vector: Float32Array }>): void {
    if (batch.length > 0) this.dropSubsets();
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
    this.graph = null;
    this.generation++;
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

  /**
   * Rows `from`..end as their own array: usearch's exact kernel reads a typed array from the start
   * of its buffer, so a subarray view would search the wrong rows. Cached until rows change.
   */
  rowsFrom(from: number): Float32Array {
    if (this.tailCopy?.from !== from || this.tailCopy.count !== this.count) {
      this.tailCopy = { from, count: this.count, data: this.data.slice(from * this.dims, this.count * this.dims) };
    }
    return this.tailCopy.data;
  }

  private dropSubsets(): void {
    this.subsets.clear();
    this.subsetBytes = 0;
  }

  /**
   * The rows of the allowed parts packed into their own matrix, built once per allowed set:
   * packing half of 100,000 vectors costs far more than searching them.
   */
  subset(allowed: AllowedParts): Subset {
    const cached = this.subsets.get(allowed.key);
    if (cached) return cached;
    const ids: number[] = [];
    for (const id of allowed.ids) if (this.rows.has(id)) ids.push(id);
    const data = new Float32Array(ids.length * this.dims);
    ids.forEach((id, i) => data.set(this.vector(id)!, i * this.dims));
    const entry = { data, ids, members: new Set(ids) };
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

/** Top `k` through the graph, merged with exact search over the rows added since it was built. */
function approximate(m: CorpusMatrix, graph: VectorGraph, query: Float32Array, k: number): VectorHit[] {
  const found = graph.search(query, k).map((h) => ({ id: m.ids[h.row]!, cosine: h.cosine }));
  const tail = exact(m.rowsFrom(graph.rows), m.ids.subarray(graph.rows), query, m.dims, k);
  return [...found, ...tail].sort((a, b) => b.cosine - a.cosine || a.id - b.id).slice(0, k);
}

/**
 * Exact top `k` of `data` by inner product; row i is part `ids[i]`. `data` must start at its
 * buffer's start (see `rowsFrom`).
 */
function exact(data: Float32Array, ids: ArrayLike<number>, query: Float32Array, dims: number, k: number): VectorHit[] {
  const rows = data.length / dims;
  if (rows <= 0) return [];
  const found = exactSearch(data, offsetFree(query), dims, Math.min(k, rows), MetricKind.IP) as { keys: BigUint64Array; distances: Float32Array };
  const out: VectorHit[] = [];
  for (let i = 0; i < found.keys.length; i++) out.push({ id: ids[Number(found.keys[i])]!, cosine: 1 - found.distances[i]! });
  return out;
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

  /** `graphMinVectors`: corpora with this many vectors get an HNSW graph (recall about 0.99). */
  constructor(
    search: SearchRepository,
    private readonly graphMinVectors: number,
    private readonly log?: GraphLog,
  ) {
    this.snapshots = new CorpusSnapshots(search, (version) => new CorpusMatrix(version), (corpusId, afterId, limit) =>
      search.vectorsAfter(corpusId, afterId, limit),
    );
  }

  /**
   * The `k` parts closest to `query`; `allowed` (from a compiled filter) restricts the search to
   * those parts. Searches of a large corpus walk its HNSW graph once built (in the background;
   * exact search until then), plus exact search over the rows added since. A filter keeping a
   * good share of the corpus takes the graph's nearest (oversampled) and keeps its parts; a
   * narrow filter, or one that leaves fewer than `k` of them, searches its parts exactly.
   */
  async nearest(corpusId: number, query: Float32Array, k: number, allowed?: AllowedParts, version?: PartsVersion): Promise<VectorHit[]> {
    const m = await this.snapshots.current(corpusId, version);
    if (!m || m.count === 0 || k <= 0 || query.length !== m.dims) return [];
    this.refreshGraph(corpusId, m);
    if (!allowed) return m.graph ? approximate(m, m.graph, query, k) : exact(m.data.subarray(0, m.count * m.dims), m.ids, query, m.dims, k);
    const subset = m.subset(allowed);
    if (subset.ids.length === 0) return [];
    const share = subset.ids.length / m.count;
    if (m.graph && share >= GRAPH_FILTER_MIN_SHARE) {
      const wanted = Math.min(m.count, Math.ceil((k / share) * GRAPH_FILTER_OVERSAMPLING));
      const kept = approximate(m, m.graph, query, wanted).filter((h) => subset.members.has(h.id));
      if (kept.length >= k) return kept.slice(0, k);
    }
    return exact(subset.data, subset.ids, query, m.dims, k);
  }

  /** Resolves once the corpus's vectors are loaded and its graph (if it gets one) is current. */
  async ready(corpusId: number): Promise<void> {
    const m = await this.snapshots.current(corpusId);
    if (!m) return;
    this.refreshGraph(corpusId, m);
    await m.graphBuild;
  }

  /** Starts a graph build when a large corpus has none, or many rows were added since. */
  private refreshGraph(corpusId: number, m: CorpusMatrix): void {
    if (m.graphBuild || m.count < this.graphMinVectors || m.graphFailedAt === m.count) return;
    const behind = m.count - (m.graph?.rows ?? 0);
    if (m.graph && behind < Math.max(GRAPH_STALE_ROWS, GRAPH_STALE_SHARE * m.count)) return;
    const generation = m.generation;
    const started = performance.now();
    m.graphBuild = VectorGraph.build(m.data, m.dims, m.count)
      .then((graph) => {
        if (m.generation !== generation) return;
        m.graph = graph;
        this.log?.info({ corpusId, vectors: graph.rows, seconds: Math.round(performance.now() - started) / 1000 }, 'vector graph built');
      })
      // A failed build leaves exact search in place; the next change to the corpus retries.
      .catch((err: unknown) => {
        m.graphFailedAt = m.count;
        this.log?.warn({ corpusId, err }, 'vector graph build failed; exact vector search meanwhile');
      })
      .finally(() => {
        m.graphBuild = null;
      });
  }

  /** Cosine similarity of the query to each given part (null for a part without a vector). */
  async similarities(corpusId: number, query: Float32Array, ids: readonly number[], version?: PartsVersion): Promise<Map<number, number>> {
    const m = await this.snapshots.current(corpusId, version);
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
