/**
 * An encoder turns text into vectors. Asymmetric encoders embed queries and documents differently
 * (Vectara's `queries_are_answers` / `documents_are_questions` swap which side is which).
 */
export type EmbeddingKind = 'query' | 'document';

export interface EmbedOptions {
  /**
   * The caller embeds in bulk (indexing) and has other work for its thread meanwhile: an encoder
   * that runs elsewhere (worker threads) may take even a few texts off the calling thread, at the
   * cost of a thread hop's latency. Unset for queries, whose latency counts. Encoders that run
   * where they are called ignore it.
   */
  bulk?: boolean;
}

export interface Encoder {
  /** The name corpora refer to it by. */
  readonly name: string;
  readonly dimensions: number;
  /** One L2-normalised vector per text, in order. Throws EncoderError when the encoder fails. */
  embed(texts: readonly string[], kind: EmbeddingKind, options?: EmbedOptions): Promise<Float32Array[]>;
  /** Releases sessions or sockets; optional. */
  close?(): Promise<void>;
}

/** An encoder could not produce vectors (remote error, timeout, bad response, model failure). */
export class EncoderError extends Error {
  override name = 'EncoderError';
  constructor(
    message: string,
    /** True when retrying later may succeed (timeouts, 429, 5xx). */
    readonly retryable = false,
  ) {
    super(message);
  }
}
