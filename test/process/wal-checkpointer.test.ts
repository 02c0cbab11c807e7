import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, sourceUrl } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-checkpoint-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * WAL checkpoints run on a thread of their own when Quarry runs under tsx or compiled (the test
 * runner's in-process transform cannot start it): this runs a script under tsx, as the server
 * runs. The thread must copy what the server's connection wrote, take the checkpoints off that
 * connection while it runs, hand them back (and answer its waiters) if it dies, close cleanly,
 * and let the process end.
 */
describe('the WAL checkpointer thread', () => {
  it('checkpoints what the main connection wrote, hands checkpoints back when it stops, and closes', () => {
    const out = runScript(
      dir,
      `
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDatabase } from '${sourceUrl('src/storage/sqlite/database.ts')}';
import { WalCheckpointer } from '${sourceUrl('src/storage/sqlite/wal-checkpointer.ts')}';
const path = ${JSON.stringify(join(dir, 'quarry.db'))};
const db = openDatabase(path);
const threshold = () => db.pragma('wal_autocheckpoint', { simple: true });
const before = threshold();
const checkpointer = WalCheckpointer.for(db, path)!;
db.exec('CREATE TABLE blobs (b BLOB)');
const insert = db.prepare('INSERT INTO blobs VALUES (?)');
db.transaction(() => { for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4000, i)); })();
const result = await checkpointer.checkpoint();
const whileRunning = threshold();
// A thread that dies hands checkpoints back to the main connection, and settles every waiter
// (answered if its checkpoint beat the end, refused otherwise: never left pending).
const dying = (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker;
const inFlight = checkpointer.checkpoint().then(() => 'settled', () => 'settled');
// The thread is unref()'d again as soon as it answers: a timer keeps this script waiting meanwhile.
const hold = setTimeout(() => undefined, 30_000);
await dying.terminate();
clearTimeout(hold);
await new Promise((r) => setTimeout(r, 50));
const afterDeath = threshold();
const waiter = await inFlight;
const later = await checkpointer.checkpoint().then(() => 'answered', () => 'refused');
// Closing before the thread starts is immediate; after it ran, the WAL goes with the last connection.
const early = WalCheckpointer.for(db, path)!;
const t0 = performance.now();
await early.close();
const quickClose = performance.now() - t0 < 100;
const second = join(dirname(path), 'second.db');
const db2 = openDatabase(second);
const closing = WalCheckpointer.for(db2, second)!;
db2.exec('CREATE TABLE t (x)');
await closing.checkpoint();
await closing.close();
db2.close();
const walGone = !existsSync(second + '-wal');
// Another one, started and never closed: the process must still end on its own.
const idle = WalCheckpointer.for(db, path)!;
await idle.checkpoint();
console.log(JSON.stringify({ before, wrote: result.log > 400, copied: result.checkpointed === result.log, whileRunning, afterDeath, waiter, later, quickClose, walGone }));
`,
    );
    expect(out).toEqual({
      before: 1000, wrote: true, copied: true, whileRunning: 16_384, afterDeath: 1000,
      waiter: 'settled', later: 'refused', quickClose: true, walGone: true,
    });
  });
});
