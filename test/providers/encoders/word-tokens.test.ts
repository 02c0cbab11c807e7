import { describe, expect, it } from 'vitest';
import { wordTokens } from '../../../src/providers/encoders/word-tokens.js';

const vocab = new Set([
  'the', 'cat', 'do', 'not', 'can', 'will', 'we', 'are', 'have', 'well-known', 'state', 'of', 'art',
  'cafe', 'neil', 'e-mail', 'euro272', 'naive', 'is', 'stra\u00dfe',
]);

describe('wordTokens', () => {
  it('lower-cases and splits on anything that is not a letter or digit', () => {
    expect(wordTokens('The CAT, the cat!  (the)', vocab)).toEqual(['the', 'cat', 'the', 'cat', 'the']);
  });

  it('keeps hyphenated compounds the vocabulary has, else splits them', () => {
    expect(wordTokens('a well-known e-mail', vocab)).toEqual(['well-known', 'e-mail']);
    expect(wordTokens('state-of-the-art', vocab)).toEqual(['state', 'of', 'the', 'art']);
  });

  it('expands English clitics, with curly apostrophes too', () => {
    expect(wordTokens("don't", vocab)).toEqual(['do', 'not']);
    expect(wordTokens('can’t won’t', vocab)).toEqual(['can', 'not', 'will', 'not']);
    expect(wordTokens("we're we've the cat's", vocab)).toEqual(['we', 'are', 'we', 'have', 'the', 'cat']);
    expect(wordTokens("O'Neil", vocab)).toEqual(['neil']);
  });

  it('falls back to the word without diacritics', () => {
    expect(wordTokens('Café naïve', vocab)).toEqual(['cafe', 'naive']);
    expect(wordTokens('Straße', vocab)).toEqual(['straße']);
  });

  it('keeps letter-digit tokens and skips unknown ones and bare numbers', () => {
    expect(wordTokens('EURO272 1234 zzqx 3.5', vocab)).toEqual(['euro272']);
    expect(wordTokens('', vocab)).toEqual([]);
  });
});
