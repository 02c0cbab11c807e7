/**
 * The contracts every generation component shares: language models (the built-in extractive
 * summariser, OpenAI-compatible servers), the factual-consistency scorer and the hallucination
 * corrector. Pure types; no storage, no HTTP.
 *
 * Citation contract: every generator cites with bracketed 1-based numbers, `[1]`, `[2]`, …,
 * where `[N]` is `results[N - 1]`. The citation formatter (src/generation/citations.ts) is the one
 * place that turns them into the requested style (`none`, `numeric`, `html`, `markdown`).
 */

/** One search result the answer may use, in citation order. */
export interface GroundingResult {
  text: string;
  document_id: string;
  document_metadata: Record<string, unknown>;
  part_metadata: Record<string, unknown>;
  score: number;
}

export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

/** Sampling settings passed through to models that have them; the extractive summariser ignores them. */
export interface ModelParameters {
  max_tokens?: number;
  temperature?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  [other: string]: unknown;
}

/** An earlier, still-enabled turn of a chat, oldest first. */
export interface PriorTurn {
  query: string;
  answer: string;
}

export interface GenerationInput {
  /** The user's question; empty when summarising a whole document. */
  query: string;
  /** What the answer may use; `[N]` cites `results[N - 1]`. */
  results: GroundingResult[];
  /** The rendered prompt as chat messages (what a remote LLM receives). */
  messages: ChatMessage[];
  /** Earlier enabled turns of the chat, oldest first; empty outside chats. */
  history: PriorTurn[];
  /** ISO 639-3 code of the answer's language ('eng', 'deu', …), already resolved from 'auto'. */
  language: string;
  /** A rough target length of the answer, in characters. */
  maxResponseCharacters?: number;
  modelParameters: ModelParameters;
  /** Aborted when the client goes away: generation stops and no more chunks are produced. */
  signal?: AbortSignal;
}

/**
 * A model that writes an answer. `generate` yields the answer in chunks, in order; joined they
 * are the whole answer. It throws an LlmError when the model fails.
 */
export interface LanguageModel {
  readonly name: string;
  generate(input: GenerationInput): AsyncIterable<string>;
}

export type LlmFailure = 'timeout' | 'rate_limited' | 'upstream' | 'malformed' | 'connection' | 'aborted' | 'rejected';

/** A model failed. The message is safe to show to API clients: it never carries a credential. */
export class LlmError extends Error {
  constructor(
    readonly failure: LlmFailure,
    message: string,
    /** The remote server's HTTP status, when there was one. */
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/** Scores how well a generated text is supported by its sources: near 1 supported, near 0 not. */
export interface ConsistencyScorer {
  readonly name: string;
  score(generated: string, sources: readonly string[]): Promise<number>;
}

export interface Correction {
  original_text: string;
  corrected_text: string;
  explanation: string;
}

export interface CorrectionOutcome {
  corrected_text: string;
  corrections: Correction[];
}

/** Removes or rewrites what the sources do not support, explaining each change. */
export interface HallucinationCorrector {
  readonly name: string;
  correct(generated: string, sources: readonly string[], query?: string): Promise<CorrectionOutcome>;
}
