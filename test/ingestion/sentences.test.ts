import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SENTENCE_CHARS, splitSentences } from '../../src/ingestion/chunkers/sentences.js';

const texts = (text: string, maxChars?: number): string[] =>
  splitSentences(text, maxChars === undefined ? {} : { maxChars }).map((c) => c.text);

describe('splitSentences', () => {
  it('runs on a Node with full ICU sentence segmentation', () => {
    expect(typeof Intl.Segmenter).toBe('function');
    // Small-ICU builds would not know Japanese sentence terminators.
    expect(texts('今日は晴れです。明日は雨でしょう！')).toEqual(['今日は晴れです。', '明日は雨でしょう！']);
  });

  it('splits English prose into sentences', () => {
    const prose =
      'The committee met on Tuesday. It reviewed the budget, which had grown by 12% since last year! ' +
      'Was that expected? Nobody could say for sure.';
    expect(texts(prose)).toEqual([
      'The committee met on Tuesday.',
      'It reviewed the budget, which had grown by 12% since last year!',
      'Was that expected?',
      'Nobody could say for sure.',
    ]);
  });

  it('gives offsets into the original string and leaves whitespace out', () => {
    const source = '  Hi.  There.\n\n';
    expect(splitSentences(source)).toEqual([
      { text: 'Hi.', start: 2, end: 5 },
      { text: 'There.', start: 7, end: 13 },
    ]);
  });

  it('does not end sentences at common abbreviations', () => {
    expect(texts('Dr. Smith met Prof. Jones. They talked.')).toEqual(['Dr. Smith met Prof. Jones.', 'They talked.']);
    expect(texts('Bring a fruit, e.g. Apples or pears. Thanks.')).toEqual([
      'Bring a fruit, e.g. Apples or pears.',
      'Thanks.',
    ]);
    expect(texts('Mr. and Mrs. Brown arrived, i.e. Both of them. Then tea.')).toEqual([
      'Mr. and Mrs. Brown arrived, i.e. Both of them.',
      'Then tea.',
    ]);
  });

  it('keeps decimals, figures and prices inside a sentence', () => {
    expect(texts('Pi is about 3.14 and e is 2.718. See Fig. 3 for the $5.00 price.')).toEqual([
      'Pi is about 3.14 and e is 2.718.',
      'See Fig. 3 for the $5.00 price.',
    ]);
  });

  it('handles ellipses', () => {
    expect(texts('Wait... what happened?')).toEqual(['Wait... what happened?']);
    expect(texts('Wait... What happened?')).toEqual(['Wait...', 'What happened?']);
  });

  it('keeps text without end punctuation, and ends sentences at line breaks', () => {
    expect(texts('no punctuation at all')).toEqual(['no punctuation at all']);
    expect(texts('A heading\nThe body follows. More')).toEqual(['A heading', 'The body follows.', 'More']);
  });

  it('handles emoji and astral characters with UTF-16 offsets', () => {
    const source = 'I love 🍕. You like 𝒳 maths! Family: 👨‍👩‍👧 ok';
    const chunks = splitSentences(source);
    expect(chunks.map((c) => c.text)).toEqual(['I love 🍕.', 'You like 𝒳 maths!', 'Family: 👨‍👩‍👧 ok']);
    for (const c of chunks) expect(source.slice(c.start, c.end)).toBe(c.text);
    expect(chunks[1]?.start).toBe('I love 🍕. '.length);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t\u00a0\u3000 ')).toEqual([]);
  });

  it('splits an over-long sentence at whitespace', () => {
    const source = 'word '.repeat(1000).trim(); // 4,999 chars, no end punctuation
    const chunks = splitSentences(source);
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(DEFAULT_MAX_SENTENCE_CHARS);
      expect(c.text.startsWith('word')).toBe(true);
      expect(c.text.endsWith('word')).toBe(true);
    }
  });

  it('hard-splits a long run without whitespace, never inside a surrogate pair', () => {
    expect(texts('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(texts('😀'.repeat(5), 3)).toEqual(['😀', '😀', '😀', '😀', '😀']);
  });

  it('splits long CJK text at word boundaries', () => {
    const pieces = texts('今日は晴れです明日は雨でしょう', 5);
    expect(pieces.join('')).toBe('今日は晴れです明日は雨でしょう');
    expect(pieces[0]).toBe('今日は晴れ');
  });

  it('accepts language hints, including invalid ones', () => {
    expect(splitSentences('Hallo Welt. Wie geht es?', { language: 'de' }).length).toBe(2);
    expect(splitSentences('Hello. World.', { language: 'not a tag!' }).length).toBe(2);
  });

  it('rejects a cap below 2', () => {
    expect(() => splitSentences('abc', { maxChars: 1 })).toThrow(RangeError);
  });
});
