import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customDimensionBoost, fuse } from '../../src/retrieval/fusion.js';
import { parseLexicalQuery, toFtsMatch } from '../../src/retrieval/lexical/query-syntax.js';

describe('hybrid fusion', () => {
  const cands = [
    { id: 1, lexical: 10, cosine: 0.1 },
    { id: 2, lexical: 5, cosine: 0.9 },
    { id: 3, cosine: 0.95 },
  ];

  it('λ = 1 ranks by BM25 alone and keeps only lexical matches; λ = 0 by cosine alone', () => {
    expect(fuse(cands, 1).map((f) => f.id)).toEqual([1, 2]);
    expect(fuse(cands, 0).map((f) => f.id)).toEqual([3, 2, 1]);
  });

  it('in between, scales BM25 by the best match and mixes', () => {
    const f = fuse(cands, 0.5);
    expect(f.find((x) => x.id === 1)!.score).toBeCloseTo(0.5 * 1 + 0.5 * 0.1);
    expect(f.find((x) => x.id === 2)!.score).toBeCloseTo(0.5 * 0.5 + 0.5 * 0.9);
    expect(f.map((x) => x.id)).toEqual([2, 1, 3]);
  });

  it('is sorted best first with a deterministic order, and never invents candidates', () => {
    const arb = fc.array(fc.record({ id: fc.nat(1000), lexical: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: undefined }), cosine: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: undefined }) }), { maxLength: 30 });
    fc.assert(fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), (cs, lambda) => {
      const unique = [...new Map(cs.map((c) => [c.id, c])).values()];
      const out = fuse(unique, lambda);
      for (let i = 1; i < out.length; i++) expect(out[i - 1]!.score).toBeGreaterThanOrEqual(out[i]!.score);
      expect(out.every((o) => unique.some((c) => c.id === o.id))).toBe(true);
      expect(fuse(unique, lambda)).toEqual(out);
    }));
  });

  it('custom dimensions add weight × value for the dimensions both sides name', () => {
    expect(customDimensionBoost({ a: 2, b: -1 }, { a: 0.5, c: 10 })).toBe(1);
    expect(customDimensionBoost({}, { a: 1 })).toBe(0);
  });
});

describe("Vectara's keyword query syntax into FTS5", () => {
  it('ORs plain words, keeps phrases and prefixes, and subtracts exclusions', () => {
    expect(toFtsMatch(parseLexicalQuery('list directory contents'))).toBe('("list" OR "directory" OR "contents")');
    expect(toFtsMatch(parseLexicalQuery('the "quick brown" fox* -lazy -"big dog"'))).toBe('("quick brown" OR "fox"*) NOT "lazy" NOT "big dog"');
  });

  it('drops stop words unless nothing else is left, and matches nothing for exclusions alone', () => {
    expect(parseLexicalQuery('the cat of the house').words).toEqual(['cat', 'house']);
    expect(parseLexicalQuery('the of').words).toEqual(['the', 'of']);
    expect(toFtsMatch(parseLexicalQuery('-x'))).toBeNull();
    expect(toFtsMatch(parseLexicalQuery('  '))).toBeNull();
  });

  it('never lets quotes or operators through unescaped', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const m = toFtsMatch(parseLexicalQuery(text));
      if (m === null) return;
      // Outside string literals only parentheses, OR, NOT and the prefix star remain.
      const outside = m.replace(/"(?:[^"]|"")*"/g, '');
      expect(outside).toMatch(/^[\s()*]*(?:(?:OR|NOT)[\s()*]*)*$/);
    }));
  });
});
