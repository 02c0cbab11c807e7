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
 * connection while it runs, hand them back if it dies, and let the process end.
 */
describe('the WAL checkpointer thread', () => {
  it('checkpoints what the main connection wrote, and hands checkpoints back when it stops', () => {
    const out = runScript(
      dir,
      `
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
// A thread that dies hands checkpoints back to the main connection.
await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
await new Promise((r) => setTimeout(r, 50));
const afterDeath = threshold();
// Another one, started and never closed: the process must still end on its own.
const idle = WalCheckpointer.for(db, path)!;
await idle.checkpoint();
console.log(JSON.stringify({ before, wrote: result.log > 400, copied: result.checkpointed === result.log, whileRunning, afterDeath }));
`,
    );
    expect(out).toEqual({ before: 1000, wrote: true, copied: true, whileRunning: 16_384, afterDeath: 1000 });
  });
});
