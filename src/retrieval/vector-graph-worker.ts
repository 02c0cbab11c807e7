/**
 * Worker thread: builds an HNSW graph (usearch) over the vectors it is handed and saves it to the
 * file named, so the main thread never stalls on the build; it maps the file once done
 * (retrieval/vector-graph.ts). Keys are row numbers 0..count-1 of the matrix sent.
 */
import { parentPort } from 'node:worker_threads';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { GraphBuildRequest, GraphBuildResult } from './vector-graph.js';

parentPort!.on('message', (req: GraphBuildRequest) => {
  try {
    const index = new Index({
      dimensions: req.dims,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: req.connectivity,
      expansion_add: req.expansionAdd,
      expansion_search: req.expansionSearch,
      multi: false,
    });
    const keys = new BigUint64Array(req.count);
    for (let i = 0; i < req.count; i++) keys[i] = BigInt(i);
    index.add(keys, new Float32Array(req.vectors), 1);
    index.save(req.file);
    parentPort!.postMessage({ ok: true } satisfies GraphBuildResult);
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies GraphBuildResult);
  }
});
