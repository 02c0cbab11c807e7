/**
 * The max-chars chunking strategy: whole sentences are packed, in order, into chunks of at most
 * `maxChars` UTF-16 code units (the chunk's span in the source, whitespace between its sentences
 * included). A sentence longer than the limit is split on its own (at whitespace, else at a word or
 * grapheme boundary) and is the only case where a chunk holds part of a sentence. The limit is
 * never exceeded: where the spec's wording ("until the total exceeds the limit") is loose, we read
 * it as a ceiling.
 */
import { splitSentences, type Chunk } from './sentences.js';

export interface MaxCharsOptions {
  /** BCP 47 language hint for the sentence segmenter. */
  language?: string;
}

/** Chunks of `text` of at most `maxChars` (an integer >= 2) characters each; same contract as sentences. */
export function chunkByMaxChars(text: string, maxChars: number, options: MaxCharsOptions = {}): Chunk[] {
  if (!Number.isInteger(maxChars) || maxChars < 2) {
    throw new RangeError(`maxChars must be an integer of at least 2, got ${maxChars}`);
  }
  const sentences = splitSentences(text, { language: options.language, maxChars });
  const chunks: Chunk[] = [];
  let current: { start: number; end: number } | undefined;
  for (const sentence of sentences) {
    if (current && sentence.end - current.start <= maxChars) {
      current.end = sentence.end;
      continue;
    }
    if (current) chunks.push(toChunk(text, current));
    current = { start: sentence.start, end: sentence.end };
  }
  if (current) chunks.push(toChunk(text, current));
  return chunks;
}

const toChunk = (text: string, span: { start: number; end: number }): Chunk => ({
  text: text.slice(span.start, span.end),
  start: span.start,
  end: span.end,
});
