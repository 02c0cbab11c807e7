import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncoderSpec } from './registry.js';
import { EncoderError, type EmbeddingKind, type Encoder } from './types.js';

/** `packed`: the batch's vectors back to back, in a buffer the worker transferred (encoder-worker.ts). */
type Reply = { id: number; packed?: Float32Array; error?: { message: string; retryable: boolean } };

const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts';
const WORKER_URL = new URL(FROM_SOURCE ? './encoder-worker-from-source.mjs' : './encoder-worker.js', import.meta.url);

/**
 * Whether worker threads can run the encoder: always from the compiled build; from TypeScript
 * sources when tsx runs them (the worker entry registers tsx itself). Elsewhere (a test runner
 * transforming sources in-process) encoders simply run on the calling thread.
 */
export function workersAvailable(): boolean {
  return !FROM_SOURCE || process.execArgv.some((a) => a.includes('tsx'));
}

/** Below this many texts a thread hop costs more than it saves: embed on the calling thread. */
const MIN_TEXTS_FOR_THREAD = 16;

/**
 * Large requests go to the thread in batches of at most this many texts or characters, one after
 * the other: what the thread holds at once (texts, the encoder's scratch, its young generation)
 * stays bounded whatever the size of the document, instead of growing with its tens of thousands
 * of parts. A thread hop per batch costs well under a millisecond.
 */
const BATCH_TEXTS = 1024;
const BATCH_CHARS = 256 * 1024;

/**
 * The threads' young generation, in MB. What a thread allocates per batch (its texts, per-text
 * scratch vectors) dies within the batch, so a small nursery collects it as well as V8's default
 * (16 MB semi-spaces, sized for a main thread) while keeping ~20 MB less resident per thread
 * during a large document. It bounds no live data: nothing here can run a thread out of memory.
 */
const THREAD_YOUNG_GENERATION_MB = 4;

/** Consecutive slices of `texts`, each within BATCH_TEXTS and BATCH_CHARS (a longer text alone). */
function batches(texts: readonly string[]): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const text of texts) {
    if (batch.length > 0 && (batch.length >= BATCH_TEXTS || chars + text.length > BATCH_CHARS)) {
      out.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(text);
    chars += text.length;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/**
 * An in-process encoder (the built-in one) moved to worker threads, so that embedding one large
 * document overlaps with parsing and storing others on the main thread. Small requests stay on
 * the calling thread (`inline`). Large ones are sent in batches (see BATCH_TEXTS); batches go
 * round-robin. The vectors returned are views into each batch's transferred buffer (one
 * allocation per batch, none per text).
 */
export class ThreadedEncoder implements Encoder {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;

  constructor(
    readonly name: string,
    readonly dimensions: number,
    spec: EncoderSpec,
    threads: number,
    private readonly inline: Encoder,
  ) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_URL, { workerData: { spec }, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
      worker.on('message', (reply: Reply) => {
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        this.holdProcess();
        if (reply.error) waiting.reject(new EncoderError(reply.error.message, reply.error.retryable));
        else waiting.resolve(reply.packed!);
      });
      worker.on('error', (err) => this.failAll(new EncoderError(`encoder thread failed: ${err.message}`)));
      worker.unref();
      this.workers.push(worker);
    }
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (texts.length < MIN_TEXTS_FOR_THREAD) return this.inline.embed(texts, kind);
    const vectors: Float32Array[] = [];
    for (const batch of batches(texts)) {
      const packed = await this.send(batch, kind);
      const dims = packed.length / batch.length;
      if (!Number.isInteger(dims)) throw new EncoderError(`encoder thread answered ${packed.length} floats for ${batch.length} texts`);
      for (let i = 0; i < batch.length; i++) vectors.push(packed.subarray(i * dims, (i + 1) * dims));
    }
    return vectors;
  }

  /** One batch to the next thread in turn; resolves to its vectors, packed. */
  private send(texts: string[], kind: EmbeddingKind): Promise<Float32Array> {
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.holdProcess();
      worker.postMessage({ id, texts, kind });
    });
  }

  /**
   * Idle threads must not keep the process alive (a CLI run ends when its work is done), but
   * busy ones must: a process whose only pending work is in a thread would otherwise exit.
   */
  private holdProcess(): void {
    for (const w of this.workers) {
      if (this.pending.size > 0) w.ref();
      else w.unref();
    }
  }

  private failAll(err: Error): void {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
    this.holdProcess();
  }

  async close(): Promise<void> {
    this.failAll(new EncoderError('encoder closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    await this.inline.close?.();
  }
}
