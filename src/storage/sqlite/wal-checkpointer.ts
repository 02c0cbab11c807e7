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
 * While the thread runs, the server's own connection still checkpoints when the WAL reaches this
 * many pages (64 MB at 4 KiB pages): a safety valve for a thread that falls behind, not the usual
 * path.
 */
const SAFETY_VALVE_PAGES = 16_384;
/** SQLite's default threshold, kept until the thread runs and restored if it stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

interface Waiter {
  resolve: (result: CheckpointResult) => void;
  reject: (err: Error) => void;
}

/**
 * WAL checkpoints on a thread of their own. SQLite checkpoints in whichever connection's commit
 * finds the WAL over `wal_autocheckpoint` pages, and a checkpoint waits for fsyncs: on the server
 * that was the event loop, blocked for about a third of the time it spent storing documents on
 * this kind of machine. While the thread runs, the server's connection keeps only a far threshold
 * as a safety valve; if the thread stops, checkpoints go back to the server's connection, and a
 * warning says why.
 */
export class WalCheckpointer {
  private worker?: Worker;
  private exited?: Promise<void>;
  private stopped = false;
  private readonly waiters: Waiter[] = [];
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

  /** The running thread, started if need be; undefined once closed or stopped. */
  private start(): Worker | undefined {
    if (this.worker || this.closed || this.stopped) return this.worker;
    const worker = new Worker(WORKER_URL, { workerData: { path: this.path, intervalMs: INTERVAL_MS } });
    this.worker = worker;
    let failure: Error | undefined;
    worker.on('message', (result: CheckpointResult) => {
      worker.unref();
      for (const w of this.waiters.splice(0)) w.resolve(result);
    });
    worker.on('error', (err) => (failure = err));
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.stopped = true;
        this.worker = undefined;
        const why = failure ? `it failed: ${failure.message}` : 'it stopped';
        for (const w of this.waiters.splice(0)) w.reject(new Error(`the WAL checkpoint thread ended: ${why}`));
        if (!this.closed && this.db.open) {
          this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
          process.emitWarning(`WAL checkpoints are back on the main connection: the checkpoint thread ${why.replace(/^it /, '')}`);
        }
        resolve();
      }),
    );
    // Idle checkpoints must not keep a process alive. After the listeners: adding a 'message'
    // listener refs the thread's port again.
    worker.unref();
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_VALVE_PAGES}`);
    return worker;
  }

  /** Checkpoints on the thread now (starting it if need be): for tests and operators. */
  checkpoint(): Promise<CheckpointResult> {
    const worker = this.start();
    if (!worker) return Promise.reject(new Error('the WAL checkpoint thread is not running'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      worker.ref(); // held until the answer comes
      worker.postMessage('now');
    });
  }

  /** Stops the thread and closes its connection; the server's connection stays open. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const worker = this.worker;
    if (!worker || !this.exited) return;
    worker.postMessage('close');
    const kill = setTimeout(() => void worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(kill);
  }
}
