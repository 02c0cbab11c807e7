import { describe, expect, it } from 'vitest';
import { chunkByMaxChars, chunkText } from '../../src/ingestion/chunkers/index.js';
import { fieldErrors } from './support.js';

const sentence = (n: number): string => `Sentence number ${String(n).padStart(2, '0')} is here.`; // 29 chars

describe('chunkByMaxChars', () => {
  it('packs whole sentences up to the limit', () => {
    const text = Array.from({ length: 7 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkByMaxChars(text, 100);
    // 3 sentences with 2 spaces = 89 chars; a 4th would make 119.
    expect(chunks.map((c) => c.text)).toEqual([
      [sentence(0), sentence(1), sentence(2)].join(' '),
      [sentence(3), sentence(4), sentence(5)].join(' '),
      sentence(6),
    ]);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
  });

  it('keeps the whitespace between packed sentences as in the source', () => {
    const text = 'First line here.\nSecond line here.';
    expect(chunkByMaxChars(text, 100)).toEqual([{ text, start: 0, end: text.length }]);
  });

  it('splits a sentence longer than the limit at whitespace', () => {
    // Capitalised: ICU does not end a sentence before a lower-case word ("one. lorem").
    const long = `Lorem ${'ipsum dolor '.repeat(20).trim()}.`;
    const chunks = chunkByMaxChars(`Short one. ${long} Tail.`, 100);
    expect(chunks.every((c) => c.text.length <= 100)).toBe(true);
    expect(chunks.every((c) => !/^\s|\s$/.test(c.text))).toBe(true);
    expect(chunks[0]?.text).toBe('Short one.');
    expect(chunks[1]?.text.startsWith('Lorem ipsum dolor')).toBe(true);
    expect(chunks[chunks.length - 1]?.text.endsWith('Tail.')).toBe(true);
  });

  it('hard-splits when there is no whitespace', () => {
    const chunks = chunkByMaxChars('a'.repeat(250), 100);
    expect(chunks.map((c) => c.text.length)).toEqual([100, 100, 50]);
  });
});

describe('chunkText', () => {
  it('defaults to one chunk per sentence', () => {
    expect(chunkText('One. Two. Three.').map((c) => c.text)).toEqual(['One.', 'Two.', 'Three.']);
    expect(chunkText('One. Two.', { type: 'sentence_chunking_strategy' })).toHaveLength(2);
  });

  it('applies max_chars_chunking_strategy', () => {
    const chunks = chunkText('One. Two. Three.', { type: 'max_chars_chunking_strategy', max_chars_per_chunk: 100 });
    expect(chunks).toEqual([{ text: 'One. Two. Three.', start: 0, end: 16 }]);
  });

  it('rejects a limit under 100 or not an integer, and unknown strategies', () => {
    for (const max of [99, 0, -5, 150.5, Number.NaN]) {
      expect(
        fieldErrors(() => chunkText('x', { type: 'max_chars_chunking_strategy', max_chars_per_chunk: max })),
      ).toHaveProperty(['chunking_strategy.max_chars_per_chunk']);
    }
    const unknown = { type: 'paragraph_chunking_strategy' } as unknown as Parameters<typeof chunkText>[1];
    expect(fieldErrors(() => chunkText('x', unknown))).toHaveProperty(['chunking_strategy.type']);
  });
});
