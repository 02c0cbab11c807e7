/**
 * Chunking entry point: one function that applies a document's chunking strategy to a text.
 * Every chunk satisfies the contract described in ./sentences.ts (exact offsets into the text,
 * non-empty, trimmed, ordered, non-overlapping, only whitespace left out).
 */
import { invalidField } from '../../domain/errors.js';
import type { ChunkingStrategy } from '../types.js';
import { chunkByMaxChars } from './max-chars.js';
import { splitSentences, type Chunk } from './sentences.js';

export type { Chunk } from './sentences.js';
export { splitSentences, DEFAULT_MAX_SENTENCE_CHARS } from './sentences.js';
export { chunkByMaxChars } from './max-chars.js';

/** The smallest `max_chars_per_chunk` the API accepts. */
export const MIN_MAX_CHARS_PER_CHUNK = 100;
/** The largest: the field is an int32. */
export const MAX_MAX_CHARS_PER_CHUNK = 2_147_483_647;

/** Vectara's default for structured documents: one chunk per sentence. */
export const DEFAULT_CHUNKING_STRATEGY: ChunkingStrategy = { type: 'sentence_chunking_strategy' };

export interface ChunkOptions {
  /** BCP 47 language hint for sentence and word segmentation. */
  language?: string;
}

/**
 * Splits `text` according to `strategy`. The sentence strategy yields one chunk per sentence
 * (sentences without end punctuation are capped at DEFAULT_MAX_SENTENCE_CHARS); the max-chars
 * strategy packs sentences up to its limit. A strategy that did not pass schema validation is
 * rejected with a 400 naming `chunking_strategy.*`.
 */
export function chunkText(
  text: string,
  strategy: ChunkingStrategy = DEFAULT_CHUNKING_STRATEGY,
  options: ChunkOptions = {},
): Chunk[] {
  // Read through `unknown`: the body may not have been validated as strictly as the type says.
  const raw = strategy as { type?: unknown; max_chars_per_chunk?: unknown };
  if (raw.type === 'sentence_chunking_strategy') return splitSentences(text, options);
  if (raw.type === 'max_chars_chunking_strategy') {
    const max = raw.max_chars_per_chunk;
    if (
      typeof max !== 'number' ||
      !Number.isInteger(max) ||
      max < MIN_MAX_CHARS_PER_CHUNK ||
      max > MAX_MAX_CHARS_PER_CHUNK
    ) {
      throw invalidField(
        'chunking_strategy.max_chars_per_chunk',
        `must be an integer of at least ${MIN_MAX_CHARS_PER_CHUNK}`,
      );
    }
    return chunkByMaxChars(text, max, options);
  }
  throw invalidField(
    'chunking_strategy.type',
    "must be 'sentence_chunking_strategy' or 'max_chars_chunking_strategy'",
  );
}
