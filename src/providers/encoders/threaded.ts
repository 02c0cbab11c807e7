import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncoderSpec } from './registry.js';
import { EncoderError, type EmbeddingKind, type Encoder } from './types.js';

type Reply = { id: number; vectors?: Float32Array[]; error?: { message: string; retryable: boolean } };

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
 * An in-process encoder (the built-in one) moved to worker threads, so that embedding one large
 * document overlaps with parsing and storing others on the main thread. Small requests stay on
 * the calling thread (`inline`). Requests go round-robin.
 */
export class ThreadedEncoder implements Encoder {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
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
      const worker = new Worker(WORKER_URL, { workerData: { spec } });
      worker.on('message', (reply: Reply) => {
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        this.holdProcess();
        if (reply.error) waiting.reject(new EncoderError(reply.error.message, reply.error.retryable));
        else waiting.resolve(reply.vectors!);
      });
      worker.on('error', (err) => this.failAll(new EncoderError(`encoder thread failed: ${err.message}`)));
      worker.unref();
      this.workers.push(worker);
    }
  }

  embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (texts.length < MIN_TEXTS_FOR_THREAD) return this.inline.embed(texts, kind);
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
