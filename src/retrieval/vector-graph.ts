import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { workersAvailable } from '../providers/encoders/threaded.js';

const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts';
const WORKER_URL = new URL(FROM_SOURCE ? './vector-graph-worker-from-source.mjs' : './vector-graph-worker.js', import.meta.url);

/**
 * HNSW settings: 16 links per node, a build beam of 64 (building 100,000 vectors takes tens of
 * seconds on one core) and a search beam of 128, for recall@10 against exact search near 0.99 on
 * 100-dimensional word-vector averages (`npm run bench -- --only query` reports it).
 */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 64;
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
 * An approximate nearest-neighbour graph over the first `rows` rows of a corpus's vector matrix
 * (keys are row numbers). It is built off the main thread and then memory-mapped, so queries keep
 * running on exact search meanwhile (retrieval/vector-index.ts).
 */
export class VectorGraph {
  private constructor(
    readonly rows: number,
    private readonly index: Index,
  ) {}

  /** Builds the graph over a copy of `vectors` (`rows` × `dims`). */
  static async build(vectors: Float32Array, dims: number, rows: number): Promise<VectorGraph> {
    const copy = vectors.slice(0, rows * dims);
    if (!workersAvailable()) {
      // Under a test runner that transforms sources in-process: build here (small corpora).
      const index = new Index(config(dims));
      const keys = new BigUint64Array(rows);
      for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
      index.add(keys, copy, 1);
      return new VectorGraph(rows, index);
    }
    const dir = mkdtempSync(join(tmpdir(), 'quarry-graph-'));
    const file = join(dir, 'graph.usearch');
    try {
      await runWorker({
        dims,
        count: rows,
        vectors: copy.buffer,
        file,
        connectivity: CONNECTIVITY,
        expansionAdd: EXPANSION_ADD,
        expansionSearch: EXPANSION_SEARCH,
      });
      const index = new Index(config(dims));
      index.view(file);
      return new VectorGraph(rows, index);
    } finally {
      // The mapping outlives the file's name: nothing is left behind, whatever happens next.
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Up to `k` rows closest to `query`, with their cosine similarity. */
  search(query: Float32Array, k: number): Array<{ row: number; cosine: number }> {
    const found = this.index.search(query, Math.min(k, this.rows), 1) as { keys: BigUint64Array; distances: Float32Array };
    const out: Array<{ row: number; cosine: number }> = [];
    for (let i = 0; i < found.keys.length; i++) out.push({ row: Number(found.keys[i]), cosine: 1 - found.distances[i]! });
    return out;
  }
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
