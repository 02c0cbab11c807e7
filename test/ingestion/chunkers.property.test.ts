/**
 * Property tests of the chunk contract (see src/ingestion/chunkers/sentences.ts) over random text
 * mixing prose, punctuation, abbreviations, numbers, whitespace, CJK, emoji and stray surrogates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkByMaxChars, chunkText, splitSentences, type Chunk } from '../../src/ingestion/chunkers/index.js';
import { sentenceSegments } from '../../src/ingestion/chunkers/sentences.js';

const TOKENS = [
  'the', 'Quarry', 'indexes', 'documents', 'Dr.', 'e.g.', 'i.e.', '3.14', 'U.S.', '...', '.', '!', '?', ',',
  '"', ')', ' ', ' ', ' ', '  ', '\n', '\n\n', '\t', '\u00a0', '\u3000', '今日は', '晴れです', '。', '！',
  '😀', '👨‍👩‍👧', '𝒳', 'é', 'e\u0301', 'สวัสดี', 'مرحبا', 'x'.repeat(40), '\ud800', '\udc00', '-', '—',
];

/** Random text built from the tokens above, or from arbitrary code points. */
const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((t) => t.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
);

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Throws (through expect) when `chunks` break the contract for `text`. */
function checkContract(text: string, chunks: Chunk[], maxChars?: number): void {
  let previousEnd = 0;
  for (const chunk of chunks) {
    expect(chunk.text).toBe(text.slice(chunk.start, chunk.end));
    expect(chunk.end).toBeGreaterThan(chunk.start); // no empty chunk
    expect(chunk.start).toBeGreaterThanOrEqual(previousEnd); // in order, no overlap
    expect(text.slice(previousEnd, chunk.start).trim()).toBe(''); // only whitespace is left out
    expect(chunk.text.trim()).toBe(chunk.text);
    if (maxChars !== undefined) expect(chunk.text.length).toBeLessThanOrEqual(maxChars);
    // A cut never separates the two halves of a surrogate pair.
    if (chunk.start > 0) expect(isHigh(text.charCodeAt(chunk.start - 1)) && isLow(text.charCodeAt(chunk.start))).toBe(false);
    previousEnd = chunk.end;
  }
  expect(text.slice(previousEnd).trim()).toBe('');
}

/** The text rebuilt from chunks and gaps is the original. */
const rebuild = (text: string, chunks: Chunk[]): string => {
  let out = '';
  let at = 0;
  for (const c of chunks) {
    out += text.slice(at, c.start) + c.text;
    at = c.end;
  }
  return out + text.slice(at);
};

describe('chunk contract (property tests)', () => {
  it('sentences: exact offsets, ordered, non-empty, only whitespace lost', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const chunks = splitSentences(text);
        checkContract(text, chunks, 2000);
        expect(rebuild(text, chunks)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('sentences with a small cap never exceed it', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 60 }), (text, maxChars) => {
        checkContract(text, splitSentences(text, { maxChars }), maxChars);
      }),
      { numRuns: 400 },
    );
  });

  it('max-chars: chunks respect the limit and hold whole (capped) sentences', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 300 }), (text, maxChars) => {
        const chunks = chunkByMaxChars(text, maxChars);
        checkContract(text, chunks, maxChars);
        // Every sentence (as capped at the limit) lies inside exactly one chunk.
        let i = 0;
        for (const sentence of splitSentences(text, { maxChars })) {
          while (i < chunks.length && (chunks[i] as Chunk).end < sentence.end) i++;
          const chunk = chunks[i];
          expect(chunk).toBeDefined();
          expect(chunk!.start).toBeLessThanOrEqual(sentence.start);
          expect(chunk!.end).toBeGreaterThanOrEqual(sentence.end);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('chunkText with the API strategies keeps the contract', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 100, max: 400 }), (text, max) => {
        checkContract(text, chunkText(text, { type: 'max_chars_chunking_strategy', max_chars_per_chunk: max }), max);
        checkContract(text, chunkText(text, { type: 'sentence_chunking_strategy' }), 2000);
      }),
      { numRuns: 200 },
    );
  });

  it('a text with content always yields at least one chunk', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        expect(splitSentences(text).length > 0).toBe(text.trim().length > 0);
      }),
    );
  });
});

describe('windowed sentence segmentation (property tests)', () => {
  const longText = fc
    .array(fc.constantFrom(...TOKENS, 'The end.', 'Next sentence follows here.', 'word word word'), {
      minLength: 500,
      maxLength: 2500,
    })
    .map((t) => t.join(''));

  it('finds the same boundaries as segmenting the whole text at once', () => {
    const whole = new Intl.Segmenter('und', { granularity: 'sentence' });
    fc.assert(
      fc.property(longText, (text) => {
        const expected = [...whole.segment(text)].map((s): [number, number] => [s.index, s.index + s.segment.length]);
        expect([...sentenceSegments(text, undefined)]).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps the chunk contract on long texts', () => {
    fc.assert(
      fc.property(longText, fc.integer({ min: 100, max: 3000 }), (text, max) => {
        checkContract(text, splitSentences(text), 2000);
        checkContract(text, chunkByMaxChars(text, max), max);
      }),
      { numRuns: 30 },
    );
  });

  it('cuts a whitespace-free text longer than the largest window safely', () => {
    const text = `${'😀'.repeat(40_000)} tail.`;
    checkContract(text, splitSentences(text), 2000);
    checkContract(text, chunkByMaxChars(text, 1_000_000), 1_000_000);
  });
});
