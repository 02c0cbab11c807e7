/**
 * Runs one encoder in a worker thread for ThreadedEncoder: receives {id, texts, kind}, answers
 * {id, packed} or {id, error}. The encoder is built from the spec passed as workerData.
 *
 * `packed` holds the vectors back to back (texts.length × dimensions floats) in one buffer that is
 * transferred, not copied: a reply is one allocation whatever the number of texts, instead of one
 * small typed array per text cloned into the other thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEncoder, type EncoderSpec } from './registry.js';
import { EncoderError, type EmbeddingKind } from './types.js';

const encoder = createEncoder((workerData as { spec: EncoderSpec }).spec);

/** The vectors in one buffer; their lengths must agree (the encoder's dimensions). */
function pack(vectors: Float32Array[]): Float32Array<ArrayBuffer> {
  const dims = vectors[0]?.length ?? 0;
  const packed = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => {
    if (v.length !== dims) throw new EncoderError(`the encoder gave vectors of ${v.length} and ${dims} dimensions`);
    packed.set(v, i * dims);
  });
  return packed;
}

parentPort!.on('message', (msg: { id: number; texts: string[]; kind: EmbeddingKind }) => {
  encoder
    .embed(msg.texts, msg.kind)
    .then(pack)
    .then(
      (packed) => parentPort!.postMessage({ id: msg.id, packed }, [packed.buffer]),
      (err: unknown) =>
        parentPort!.postMessage({
          id: msg.id,
          error: { message: (err as Error).message ?? String(err), retryable: err instanceof EncoderError && err.retryable },
        }),
    );
});
