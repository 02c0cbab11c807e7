import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../worker-entries.js';
import type { EncoderSpec } from './registry.js';
import { EncoderError, type EmbeddingKind, type EmbedOptions, type Encoder } from './types.js';

/** `packed`: the batch's vectors back to back, in a buffer the worker transferred (encoder-worker.ts). */
type Reply = { id: number; packed?: Float32Array; error?: { message: string; retryable: boolean } };

const WORKER_URL = workerEntry(import.meta.url, 'encoder-worker');

/**
 * Below this many texts a request (a query) is embedded on the calling thread: a thread hop
 * (waking the thread and being woken back, measured at 50–100 µs of CPU time on a virtual machine)
 * costs about what embedding a few texts does, and adds latency to a query. A `bulk` request
 * (indexing) goes to the threads whatever its size: the calling thread's time is what bounds the
 * indexing rate, and taking even six texts off it indexed small documents ~10% faster.
 */
const MIN_TEXTS_FOR_THREAD = 16;

/**
 * A batch sent to a thread holds at most this many texts or characters: what a thread holds at
 * once (texts, the encoder's scratch, its young generation) stays bounded whatever the size of
 * the documents, instead of growing with a document's tens of thousands of parts. A thread hop
 * per batch costs well under a millisecond.
 */
const BATCH_TEXTS = 1024;
const BATCH_CHARS = 256 * 1024;

/**
 * A batch takes no further request once it holds this many texts: enough that a thread hop costs
 * little beside the embedding (~2 ms of work for 64 texts), few enough that documents arriving
 * together still go in separate batches, so that the thread embeds one while the calling thread
 * stores the one before and parses the one after, instead of all of them waiting for one batch.
 */
const BATCH_ENOUGH_TEXTS = 64;

/**
 * Batches a thread holds at once: the one it embeds and the next, already in its port, so that it
 * starts on the next as soon as it is done instead of waiting for the calling thread (busy storing
 * the previous documents) to read its answer and send more.
 */
const BATCHES_PER_THREAD = 2;

/**
 * The threads' young generation, in MB. What a thread allocates per batch (its texts, per-text
 * scratch vectors) dies within the batch, so a small nursery collects it as well as V8's default
 * (16 MB semi-spaces, sized for a main thread) while keeping ~20 MB less resident per thread
 * during a large document. It bounds no live data: nothing here can run a thread out of memory.
 */
const THREAD_YOUNG_GENERATION_MB = 4;

/** One embed() call: its texts go to the threads in one or more slices, its vectors come back. */
interface Job {
  texts: readonly string[];
  kind: EmbeddingKind;
  vectors: Float32Array[];
  /** Texts handed to a batch so far, and vectors received so far. */
  sent: number;
  received: number;
  settled: boolean;
  resolve: (vectors: Float32Array[]) => void;
  reject: (err: Error) => void;
}

/** Texts of one or more jobs (one kind), sent to one thread as one message. */
interface Batch {
  kind: EmbeddingKind;
  texts: string[];
  slices: Array<{ job: Job; start: number; count: number }>;
}

interface Thread {
  worker: Worker;
  /** Batches sent and not answered yet, by message id. */
  inFlight: Map<number, Batch>;
}

/**
 * An in-process encoder (the built-in one) moved to worker threads, so that embedding overlaps
 * with parsing and storing documents on the calling thread.
 *
 * Requests wait in one queue and leave it as batches (see BATCH_TEXTS): a batch takes the texts of
 * every waiting request of its kind, oldest first, up to the limits, so that documents indexed at
 * once share thread hops; a request larger than a batch goes in several, taking turns with the
 * others. Batches are formed when the event loop has handled what arrived in its turn
 * (setImmediate), and go to the least busy thread while it holds fewer than BATCHES_PER_THREAD.
 * Small requests stay on the calling thread (`inline`) unless they can join a batch (see
 * MIN_TEXTS_FOR_THREAD), as do all requests once every thread has died. The vectors returned are
 * views into each batch's transferred buffer (one allocation per batch, none per text).
 */
export class ThreadedEncoder implements Encoder {
  private readonly threads: Thread[] = [];
  private queue: Job[] = [];
  private nextId = 0;
  private scheduled = false;

  constructor(
    readonly name: string,
    readonly dimensions: number,
    spec: EncoderSpec,
    threads: number,
    private readonly inline: Encoder,
  ) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_URL, { workerData: { spec }, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
      const thread: Thread = { worker, inFlight: new Map() };
      worker.on('message', (reply: Reply) => this.answered(thread, reply));
      worker.on('error', (err) => this.lost(thread, new EncoderError(`encoder thread failed: ${err.message}`)));
      worker.on('exit', () => this.lost(thread, new EncoderError('encoder thread exited')));
      worker.unref();
      this.threads.push(thread);
    }
  }

  async embed(texts: readonly string[], kind: EmbeddingKind, options?: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const small = texts.length < MIN_TEXTS_FOR_THREAD;
    if (this.threads.length === 0 || (small && !options?.bulk)) return this.inline.embed(texts, kind);
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, kind, vectors: new Array<Float32Array>(texts.length), sent: 0, received: 0, settled: false, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.holdProcess();
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Sends batches while some thread has room for one. */
  private pump(): void {
    while (this.queue.length > 0) {
      const thread = this.leastBusy();
      if (!thread || thread.inFlight.size >= BATCHES_PER_THREAD) break;
      const batch = this.nextBatch();
      const id = this.nextId++;
      thread.inFlight.set(id, batch);
      thread.worker.postMessage({ id, texts: batch.texts, kind: batch.kind });
    }
    this.holdProcess();
  }

  private leastBusy(): Thread | undefined {
    let best: Thread | undefined;
    for (const t of this.threads) if (!best || t.inFlight.size < best.inFlight.size) best = t;
    return best;
  }

  /**
   * Takes the next batch off the queue: texts of the oldest job's kind, oldest jobs first, until
   * BATCH_ENOUGH_TEXTS (whole jobs) or the batch limits (a job cut short). A job whose texts do not
   * all fit moves to the back of the queue, so a large document takes turns with the requests
   * behind it instead of holding the threads until it is done.
   */
  private nextBatch(): Batch {
    const kind = this.queue[0]!.kind;
    const batch: Batch = { kind, texts: [], slices: [] };
    const waiting: Job[] = [];
    const partly: Job[] = [];
    let chars = 0;
    let full = false;
    for (const job of this.queue) {
      if (batch.texts.length >= BATCH_ENOUGH_TEXTS) full = true;
      if (full || job.kind !== kind) {
        waiting.push(job);
        continue;
      }
      const start = job.sent;
      while (job.sent < job.texts.length) {
        const text = job.texts[job.sent]!;
        // A text longer than BATCH_CHARS goes alone.
        if (batch.texts.length > 0 && (batch.texts.length >= BATCH_TEXTS || chars + text.length > BATCH_CHARS)) {
          full = true;
          break;
        }
        batch.texts.push(text);
        chars += text.length;
        job.sent++;
      }
      if (job.sent > start) batch.slices.push({ job, start, count: job.sent - start });
      if (job.sent < job.texts.length) partly.push(job);
    }
    this.queue = waiting.concat(partly);
    return batch;
  }

  private answered(thread: Thread, reply: Reply): void {
    const batch = thread.inFlight.get(reply.id);
    if (!batch) return;
    thread.inFlight.delete(reply.id);
    const packed = reply.packed;
    const dims = packed ? packed.length / batch.texts.length : Number.NaN;
    if (reply.error || !packed || !Number.isInteger(dims)) {
      const err = reply.error
        ? new EncoderError(reply.error.message, reply.error.retryable)
        : new EncoderError(`encoder thread answered ${packed?.length ?? 0} floats for ${batch.texts.length} texts`);
      for (const { job } of batch.slices) this.fail(job, err);
    } else {
      let offset = 0;
      for (const { job, start, count } of batch.slices) {
        for (let i = 0; i < count; i++, offset += dims) job.vectors[start + i] = packed.subarray(offset, offset + dims);
        job.received += count;
        if (job.received === job.texts.length && !job.settled) {
          job.settled = true;
          job.resolve(job.vectors);
        }
      }
    }
    if (this.queue.length > 0) this.schedule();
    else this.holdProcess();
  }

  /** Rejects a job once; its texts not sent yet are not sent. */
  private fail(job: Job, err: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.reject(err);
    this.queue = this.queue.filter((j) => j !== job);
  }

  /** A thread died: its batches fail, and the others (or the calling thread) take the queue. */
  private lost(thread: Thread, err: Error): void {
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    this.threads.splice(i, 1);
    for (const batch of thread.inFlight.values()) for (const { job } of batch.slices) this.fail(job, err);
    thread.inFlight.clear();
    if (this.threads.length === 0) {
      const left = this.queue;
      this.queue = [];
      for (const job of left) {
        if (job.sent > 0) this.fail(job, err);
        else this.inline.embed(job.texts, job.kind).then(job.resolve, job.reject);
      }
    } else if (this.queue.length > 0) this.schedule();
    this.holdProcess();
  }

  /** Whether some batch is waiting or being embedded. */
  private busy(): boolean {
    return this.queue.length > 0 || this.threads.some((t) => t.inFlight.size > 0);
  }

  /**
   * Idle threads must not keep the process alive (a CLI run ends when its work is done), but
   * busy ones must: a process whose only pending work is in a thread would otherwise exit.
   */
  private holdProcess(): void {
    const busy = this.busy();
    for (const t of this.threads) {
      if (busy) t.worker.ref();
      else t.worker.unref();
    }
  }

  async close(): Promise<void> {
    const closed = new EncoderError('encoder closed');
    const threads = this.threads.splice(0);
    for (const job of this.queue.splice(0)) this.fail(job, closed);
    for (const t of threads) for (const batch of t.inFlight.values()) for (const { job } of batch.slices) this.fail(job, closed);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    await this.inline.close?.();
  }
}
