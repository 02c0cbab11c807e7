import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, sourceUrl } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-graph-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The HNSW graph is built on a worker thread when Quarry runs under tsx or compiled, which the
 * test runner's in-process transform cannot do: this runs a script under tsx, as the server runs.
 * The graph must agree with exact search, leave no file behind, and let the process end.
 */
describe('the vector graph built on a worker thread', () => {
  it('agrees with exact search and leaves no temporary file', () => {
    // The script's temporary directory: the graph's file must be gone from it afterwards.
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    const out = runScript(
      dir,
      `
import { createRequire } from 'node:module';
import { VectorGraph } from '${sourceUrl('src/retrieval/vector-graph.ts')}';
import { workersAvailable } from '${sourceUrl('src/worker-entries.ts')}';
const { exactSearch, MetricKind } = createRequire('${sourceUrl('package.json')}')('usearch');
const dims = 32, rows = 3000;
let seed = 11;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
const centres = Array.from({ length: 20 }, () => Array.from({ length: dims }, random));
const data = new Float32Array(rows * dims);
for (let r = 0; r < rows; r++) {
  const v = centres[r % 20].map((x) => x + 0.3 * random());
  const n = Math.hypot(...v);
  v.forEach((x, d) => (data[r * dims + d] = x / n));
}
const graph = await VectorGraph.build(data, dims, rows);
let agree = 0;
for (let q = 0; q < 50; q++) {
  const query = data.slice(q * 37 * dims, (q * 37 + 1) * dims).map((x) => x + 0.05 * random());
  const want = new Set([...(exactSearch(data, query, dims, 10, MetricKind.IP) as any).keys].map(Number));
  agree += graph.search(query, 10).filter((h) => want.has(h.row)).length;
}
console.log(JSON.stringify({ available: workersAvailable(), rows: graph.rows, recall: agree / 500 }));
`,
      { timeoutMs: 120_000, env: { TMPDIR: scratch } },
    ) as { available: boolean; rows: number; recall: number };
    expect(out.available).toBe(true);
    expect(out.rows).toBe(3000);
    expect(out.recall).toBeGreaterThanOrEqual(0.95);
    expect(readdirSync(scratch).filter((f) => f.startsWith('quarry-graph-'))).toEqual([]);
  });
});

