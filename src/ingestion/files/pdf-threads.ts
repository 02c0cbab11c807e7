/**
 * The threads that read PDFs (pdf-worker.ts): started when a PDF comes, one file at a time each,
 * at most MAX_THREADS at once (more files wait their turn, so concurrent uploads cannot multiply
 * the memory), kept for the next file, ended when idle or after a large file.
 *
 * Why threads: pdfjs allocates several times a file's size while it reads (parsed objects, fonts,
 * content streams, text items), nearly all of it garbage within the page. On the server's own
 * heap, which is large, V8 lets that garbage pile up before collecting it, and keeps the memory
 * afterwards. A reader thread has a small heap (LIMITS), collected as it goes, and whatever it
 * still holds is returned when it ends. The limits also stop a hostile file (one that makes pdfjs
 * build huge structures) with a clear error instead of exhausting the server, and the server's
 * own thread stays free for other requests while a long file is read.
 *
 * Why kept: a new thread takes half a second and 25 MB to load pdfjs (twice that from the
 * TypeScript sources), more than reading a small file; that is paid once for a run of files, and
 * not at all by a server that reads no PDF.
 * Why ended after a large file: what pdfjs leaves behind (garbage, the file's buffer until the
 * thread next collects) grows with the file; ending the thread returns it at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../worker-entries.js';
import type { StructuredDocumentSectionBody } from '../documents.js';
import type { PdfJob, PdfReply } from './pdf-worker.js';
import { UnreadableFileError, type ParsedFile } from './types.js';

const WORKER_URL = workerEntry(import.meta.url, 'pdf-worker');

/**
 * A thread's heap. pdfjs's live data while reading stays near the file's size (the file, its
 * cross-reference table, one page's objects; caches are dropped every few pages): a 10 MB PDF of
 * 638 pages needs about 20 MB. 128 MB of old generation leaves room for heavy fonts, and a file
 * that needs more (say, one page of 350,000 separately placed text runs) is refused. The young
 * generation, where what pdfjs allocates for a page lives and dies, is 8 MB: with 2 MB small files
 * took half as long again to read, with 16 MB a large file's peak was 15 MB higher.
 */
export const LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

/** Threads at once: one core is left to the server. */
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));
/** A thread without work for this long ends. */
const IDLE_MS = 30_000;
/** A thread ends after reading a file of this size or more. */
const RECYCLE_BYTES = 1024 * 1024;

/** One reader thread and the file it is reading, if any. */
class ReaderThread {
  private readonly worker: Worker;
  private job?: { sections: StructuredDocumentSectionBody[]; resolve: (parsed: ParsedFile) => void; reject: (err: Error) => void };
  private idleTimer?: NodeJS.Timeout;
  /** Set once the thread has failed or ended: it takes no more files. */
  ended = false;

  constructor(onEnd: (thread: ReaderThread) => void) {
    // No preloads (`--import`, `--require`) from the server's command line: the reader needs none,
    // and a preloaded loader (tsx) would load pdfjs through itself, slowly and with source maps.
    this.worker = new Worker(WORKER_URL, { execArgv: [], resourceLimits: LIMITS });
    this.worker.unref();
    this.worker.on('message', (reply: PdfReply) => this.answer(reply));
    this.worker.on('error', (err: Error & { code?: string }) =>
      this.fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new UnreadableFileError(`reading this PDF needs more than ${LIMITS.maxOldGenerationSizeMb} MB of memory`)
          : new Error(`PDF reader thread failed: ${err.message}`),
      ),
    );
    this.worker.on('exit', (code) => {
      this.fail(new Error(`PDF reader thread stopped (exit code ${code})`));
      onEnd(this);
    });
  }

  /** Reads one file; `job.data`'s buffer is moved to the thread. */
  read(job: PdfJob): Promise<ParsedFile> {
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.job = { sections: [], resolve, reject };
      // Busy, the thread keeps the process alive (a CLI ingest waits for it); idle, it does not.
      this.worker.ref();
      try {
        this.worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  /** Ends the thread after `ms` without work (unless given work before). */
  idle(ms: number, onIdle: () => void): void {
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  end(): void {
    this.ended = true;
    clearTimeout(this.idleTimer);
    void this.worker.terminate();
  }

  private answer(reply: PdfReply): void {
    const job = this.job;
    if (!job) return;
    if (reply.type === 'section') {
      job.sections.push(reply.section);
      return;
    }
    this.settle();
    if (reply.type === 'done') job.resolve({ ...(reply.head.title ? { title: reply.head.title } : {}), metadata: reply.head.metadata, sections: job.sections });
    else job.reject(reply.unreadable ? new UnreadableFileError(reply.message) : new Error(`PDF reader failed: ${reply.message}`));
  }

  /** The thread cannot go on: the file being read (if any) fails with `err`. */
  private fail(err: Error): void {
    this.ended = true;
    const job = this.job;
    this.settle();
    job?.reject(err);
  }

  private settle(): void {
    this.job = undefined;
    this.worker.unref();
  }
}

const idle: ReaderThread[] = [];
const waiting: ((thread: ReaderThread) => void)[] = [];
/** Threads started and not yet exited, idle or not. */
let alive = 0;

function start(): ReaderThread {
  alive += 1;
  return new ReaderThread((thread) => {
    alive -= 1;
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    serveWaiting();
  });
}

/** Hands idle or new threads to waiting files, within MAX_THREADS. */
function serveWaiting(): void {
  while (waiting.length > 0 && (idle.length > 0 || alive < MAX_THREADS)) waiting.shift()!(idle.pop() ?? start());
}

function acquire(): Promise<ReaderThread> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    serveWaiting();
  });
}

/** Gives the thread back after a file of `bytes`: to the next waiting file, to the idle list, or ended. */
function release(thread: ReaderThread, bytes: number): void {
  if (thread.ended || bytes >= RECYCLE_BYTES) {
    // Once it has exited, its place goes to the next waiting file (start's exit handler).
    thread.end();
    return;
  }
  const next = waiting.shift();
  if (next) return next(thread);
  idle.push(thread);
  thread.idle(IDLE_MS, () => thread.end());
}

/**
 * Reads the PDF in `data` in a reader thread (moving `data`'s buffer there: the caller must not
 * need it, and it must span its whole ArrayBuffer). Rejects with UnreadableFileError when the
 * file is the problem (damaged, encrypted, too large once read, needing too much memory).
 */
export async function readPdfInThread(data: Uint8Array, extractTables: boolean): Promise<ParsedFile> {
  const bytes = data.byteLength;
  const thread = await acquire();
  try {
    return await thread.read({ data, extractTables });
  } finally {
    release(thread, bytes);
  }
}
