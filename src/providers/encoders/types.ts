/**
 * An encoder turns text into vectors. Asymmetric encoders embed queries and documents differently
 * (Vectara's `queries_are_answers` / `documents_are_questions` swap which side is which).
 */
export type EmbeddingKind = 'query' | 'document';

export interface Encoder {
  /** The name corpora refer to it by. */
  readonly name: string;
  readonly dimensions: number;
  /** One L2-normalised vector per text, in order. Throws EncoderError when the encoder fails. */
  embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]>;
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
