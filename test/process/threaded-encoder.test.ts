import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, sourceUrl } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Worker threads cannot run inside the test runner's in-process transform, so this runs a small
 * script under tsx, as the server runs: the threaded encoder must give exactly the vectors the
 * built-in encoder gives on the calling thread, for small and large batches, for many requests of
 * both kinds sharing batches, after its thread died, and let the process end.
 */
describe('the built-in encoder on worker threads', () => {
  it('gives the same vectors as on the calling thread, and the process ends on its own', () => {
    const out = runScript(
      dir,
      `
import { createEncoder } from '${sourceUrl('src/providers/encoders/registry.ts')}';
import { ThreadedEncoder } from '${sourceUrl('src/providers/encoders/threaded.ts')}';
import { workersAvailable } from '${sourceUrl('src/worker-entries.ts')}';
const spec = { type: 'builtin', name: 'quarry-static-glove-100d' } as const;
const inline = createEncoder(spec);
const threaded = new ThreadedEncoder('t', 100, spec, 2, createEncoder(spec));
const texts = Array.from({ length: 40 }, (_, i) => 'The cat number ' + i + ' sat on the mat near the river bank.');
const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((v, i) => v.every((x, d) => x === b[i]![d]));
const big = await threaded.embed(texts, 'document');
const small = await threaded.embed(texts.slice(0, 3), 'document');
// A few texts in bulk go to an idle thread all the same (indexing spares the calling thread).
const smallBulk = await threaded.embed(texts.slice(0, 3), 'document', { bulk: true });
// More texts and characters than one batch holds: several batches, vectors in order.
const many = Array.from({ length: 2600 }, (_, i) => 'Harbour note ' + i + ': ' + 'the ferry crossed the bay at dawn. '.repeat(1 + (i % 5)));
const batched = await threaded.embed(many, 'document');
const parallel = await Promise.all([0, 1, 2, 3].map((k) => threaded.embed(texts.slice(k * 10, k * 10 + 20), 'query')));
// Bulk requests of a few texts each, of both kinds, beside a large one: they share batches.
const crowd = Array.from({ length: 30 }, (_, k) => texts.slice(k % 35, (k % 35) + 1 + (k % 5)));
const kindOf = (k: number) => (k % 3 === 0 ? 'query' : 'document') as const;
const [crowdLarge, ...crowded] = await Promise.all([
  threaded.embed(many, 'document', { bulk: true }),
  ...crowd.map((t, k) => threaded.embed(t, kindOf(k), { bulk: true })),
]);
const crowdSame = same(crowdLarge!, await inline.embed(many, 'document')) &&
  (await Promise.all(crowded.map(async (v, k) => same(v, await inline.embed(crowd[k]!, kindOf(k)))))).every(Boolean);
// A thread that dies fails only the batches it held; with none left, the calling thread embeds.
const lone = new ThreadedEncoder('t', 100, spec, 1, createEncoder(spec));
await lone.embed(texts, 'document');
await (lone as unknown as { threads: Array<{ worker: { terminate(): Promise<number> } }> }).threads[0]!.worker.terminate();
const afterDeath = same(await lone.embed(texts, 'document', { bulk: true }), await inline.embed(texts, 'document'));
console.log(JSON.stringify({
  crowd: crowdSame,
  afterDeath,
  available: workersAvailable(),
  big: same(big, await inline.embed(texts, 'document')),
  batched: same(batched, await inline.embed(many, 'document')),
  small: same(small, await inline.embed(texts.slice(0, 3), 'document')),
  smallBulk: same(smallBulk, await inline.embed(texts.slice(0, 3), 'document')),
  parallel: (await Promise.all(parallel.map(async (p, k) => same(p, await inline.embed(texts.slice(k * 10, k * 10 + 20), 'query'))))).every(Boolean),
}));
// No close(): idle threads must not keep the process alive.
`,
    );
    expect(out).toEqual({
      crowd: true, afterDeath: true, available: true, big: true, batched: true, small: true, smallBulk: true, parallel: true,
    });
  });
});
