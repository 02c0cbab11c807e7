import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { workerEntry, workersAvailable } from '../worker-entries.js';
import { groupIdentical, type VectorGroups } from './vector-groups.js';

const WORKER_URL = workerEntry(import.meta.url, 'vector-graph-worker');

/**
 * HNSW settings: 32 links per node, a build beam of 128 and a search beam of 64. On the bench's
 * 100-dimensional word-vector averages (13k distinct among 100k parts) they give recall@10 about
 * 0.98 against exact search at about 0.3 ms a query; 16 links gave 0.94
 * (`npm run bench -- --only query` reports the recall).
 */
const CONNECTIVITY = 32;
const EXPANSION_ADD = 128;
const EXPANSION_SEARCH = 64;

export interface GraphBuildRequest {
  dims: number;
  count: number;
  /** `count` rows of `dims` floats, transferred. */
  vectors: ArrayBuffer;
  file: string;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
}

export type GraphBuildResult = { ok: true } | { ok: false; error: string };

const config = (dims: number) => ({
  dimensions: dims,
  metric: MetricKind.IP,
  quantization: ScalarKind.F32,
  connectivity: CONNECTIVITY,
  expansion_add: EXPANSION_ADD,
  expansion_search: EXPANSION_SEARCH,
  multi: false,
});

/**
 * An approximate nearest-neighbour graph over the first `rows` rows of a corpus's vector matrix,
 * one node per distinct vector (vector-groups.ts). It is built off the main thread and then
 * memory-mapped, so queries keep running on exact search meanwhile (retrieval/vector-index.ts).
 */
export class VectorGraph {
  private constructor(
    readonly rows: number,
    private readonly index: Index,
    private readonly groups: VectorGroups,
  ) {}

  /** Builds the graph over the distinct vectors among the first `rows` of `vectors` (`dims` each). */
  static async build(vectors: Float32Array, dims: number, rows: number): Promise<VectorGraph> {
    const groups = groupIdentical(vectors, dims, rows);
    const distinct = new Float32Array(groups.count * dims);
    for (let g = 0; g < groups.count; g++) distinct.set(vectors.subarray(groups.first[g]! * dims, (groups.first[g]! + 1) * dims), g * dims);
    if (!workersAvailable()) {
      // Under a test runner that transforms sources in-process: build here (small corpora).
      const index = new Index(config(dims));
      const keys = new BigUint64Array(groups.count);
      for (let i = 0; i < groups.count; i++) keys[i] = BigInt(i);
      index.add(keys, distinct, 1);
      return new VectorGraph(rows, index, groups);
    }
    const dir = mkdtempSync(join(tmpdir(), 'quarry-graph-'));
    const file = join(dir, 'graph.usearch');
    try {
      await runWorker({
        dims,
        count: groups.count,
        vectors: distinct.buffer,
        file,
        connectivity: CONNECTIVITY,
        expansionAdd: EXPANSION_ADD,
        expansionSearch: EXPANSION_SEARCH,
      });
      const index = new Index(config(dims));
      index.view(file);
      return new VectorGraph(rows, index, groups);
    } finally {
      // The mapping outlives the file's name: nothing is left behind, whatever happens next.
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Up to `k` rows closest to `query`, with their cosine similarity (equal vectors: rows in order). */
  search(query: Float32Array, k: number): Array<{ row: number; cosine: number }> {
    const { start, members, count } = this.groups;
    const found = this.index.search(offsetFree(query), Math.min(k, count), 1) as { keys: BigUint64Array; distances: Float32Array };
    const out: Array<{ row: number; cosine: number }> = [];
    for (let i = 0; i < found.keys.length && out.length < k; i++) {
      const g = Number(found.keys[i]);
      const cosine = 1 - found.distances[i]!;
      for (let j = start[g]!; j < start[g + 1]! && out.length < k; j++) out.push({ row: members[j]!, cosine });
    }
    return out;
  }
}

/** usearch reads a typed array from the start of its buffer: a view elsewhere is copied first. */
export function offsetFree(v: Float32Array): Float32Array {
  return v.byteOffset === 0 ? v : v.slice();
}

function runWorker(request: GraphBuildRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    const done = (err?: Error) => {
      void worker.terminate();
      if (err) reject(err);
      else resolve();
    };
    worker.once('message', (r: GraphBuildResult) => done(r.ok ? undefined : new Error(`vector graph build failed: ${r.error}`)));
    worker.once('error', (err) => done(err));
    worker.postMessage(request, [request.vectors]);
  });
}
