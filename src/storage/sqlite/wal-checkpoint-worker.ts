/**
 * The WAL checkpointer's thread (see wal-checkpointer.ts): its own connection to the database
 * file, a PASSIVE checkpoint every `intervalMs`, and one more whenever asked, its result posted back. A PASSIVE checkpoint
 * copies what it can without waiting for readers or writers, so the server's connection is never
 * held up by it; when the WAL holds nothing new it costs a few reads.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

interface Data {
  path: string;
  intervalMs: number;
}

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

const { path, intervalMs } = workerData as Data;
// No busy_timeout: a PASSIVE checkpoint never waits for a lock, it copies what it can.
const db = new Database(path, { fileMustExist: true });

const checkpoint = (): CheckpointResult => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  return { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
};

// Results go back only when asked for: a message to the parent on every tick kept its process
// alive, however unref()'d the thread.
const timer = setInterval(checkpoint, intervalMs);
parentPort!.on('message', (message: unknown) => {
  if (message === 'now') return parentPort!.postMessage(checkpoint());
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
