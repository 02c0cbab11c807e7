/**
 * Runs one encoder in a worker thread for ThreadedEncoder: receives {id, texts, kind}, answers
 * {id, vectors} or {id, error}. The encoder is built from the spec passed as workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEncoder, type EncoderSpec } from './registry.js';
import { EncoderError, type EmbeddingKind } from './types.js';

const encoder = createEncoder((workerData as { spec: EncoderSpec }).spec);

parentPort!.on('message', (msg: { id: number; texts: string[]; kind: EmbeddingKind }) => {
  encoder.embed(msg.texts, msg.kind).then(
    (vectors) => parentPort!.postMessage({ id: msg.id, vectors }),
    (err: unknown) =>
      parentPort!.postMessage({
        id: msg.id,
        error: { message: (err as Error).message ?? String(err), retryable: err instanceof EncoderError && err.retryable },
      }),
  );
});
