import { Worker } from 'node:worker_threads';
import { workerEntry, workersAvailable } from '../../worker-entries.js';
import type { Db } from './database.js';
import type { CheckpointResult } from './wal-checkpoint-worker.js';

const WORKER_URL = workerEntry(import.meta.url, 'wal-checkpoint-worker');

/** How often the thread checkpoints. */
const INTERVAL_MS = 200;
/**
 * The thread starts this long after the database opens: a short-lived process (a CLI command)
 * ends before and never pays for starting it.
 */
const START_DELAY_MS = 1_000;
/**
 * The server's own connection still checkpoints when the WAL reaches this many pages (64 MB at
 * 4 KiB pages): a safety valve for a thread that cannot keep up or has died, not the usual path.
 */
const SAFETY_VALVE_PAGES = 16_384;
/** SQLite's default threshold, kept until the thread runs and restored if it stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * WAL checkpoints on a thread of their own. SQLite checkpoints in whichever connection's commit
 * finds the WAL over `wal_autocheckpoint` pages, and a checkpoint waits for fsyncs: on the server
 * that was the event loop, blocked for about a third of the time it spent storing documents on
 * this kind of machine. While the thread runs, the server's connection keeps only a far threshold
 * as a safety valve.
 */
export class WalCheckpointer {
  private worker?: Worker;
  private exited?: Promise<void>;
  private readonly waiters: Array<(result: CheckpointResult) => void> = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly db: Db,
    private readonly path: string,
  ) {
    this.timer = setTimeout(() => this.start(), START_DELAY_MS);
    this.timer.unref();
  }

  /** A checkpointer for a database file, or undefined where worker threads cannot run. */
  static for(db: Db, path: string): WalCheckpointer | undefined {
    return workersAvailable() ? new WalCheckpointer(db, path) : undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL, { workerData: { path: this.path, intervalMs: INTERVAL_MS } });
    this.worker = worker;
    worker.on('message', (result: CheckpointResult) => {
      worker.unref();
      for (const resolve of this.waiters.splice(0)) resolve(result);
    });
    worker.on('error', () => undefined); // 'exit' follows and says what matters
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        // A thread that stops leaves checkpoints to the server's connection, as before.
        if (!this.closed && this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
        resolve();
      }),
    );
    // Idle checkpoints must not keep a process alive. After the listeners: adding a 'message'
    // listener refs the thread's port again.
    worker.unref();
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_VALVE_PAGES}`);
    return worker;
  }

  /** Checkpoints on the thread now (starting it if need be) and resolves with the result. */
  checkpoint(): Promise<CheckpointResult> {
    const worker = this.start();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      worker.ref(); // held until the answer comes
      worker.postMessage('now');
    });
  }

  /** Stops the thread and closes its connection; the server's connection stays open. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (!this.worker || !this.exited) return;
    this.worker.postMessage('close');
    const kill = setTimeout(() => void this.worker?.terminate(), 5_000);
    await this.exited;
    clearTimeout(kill);
  }
}
