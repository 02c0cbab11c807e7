import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRescore } from '../../../src/retrieval/rerank/builtin.js';
import { lightStem } from '../../../src/retrieval/rerank/light-stem.js';
import type { RerankCandidate } from '../../../src/retrieval/rerank/types.js';

const cand = (index: number, text: string, document_id: string, score = 0.5): RerankCandidate => ({
  index, score, text, context_text: text, document_id, document_metadata: {}, part_metadata: {}, vector: null,
});
const rescore = (words: string[], idf: Record<string, number>, cs: RerankCandidate[]) =>
  builtinRescore({ words, idf: new Map(Object.entries(idf)) })(cs, cs.map((c) => c.context_text));

describe('the built-in lexical re-ranker', () => {
  it('puts the result covering more (and rarer) query words first', () => {
    const s = rescore(['copy', 'files', 'remote'], { copy: 2, files: 0.5, remote: 3 }, [
      cand(0, 'list the files in a directory', 'a'),
      cand(1, 'copy files to a remote host', 'b'),
      cand(2, 'copy a file', 'c'),
    ]);
    expect(s[1]).toBeGreaterThan(s[2]!);
    expect(s[2]).toBeGreaterThan(s[0]!);
  });

  it('meets word forms through light stemming', () => {
    expect(lightStem('files')).toBe(lightStem('file'));
    expect(lightStem('copying')).toBe('copy');
    expect(lightStem('stopped')).toBe('stop');
    expect(lightStem('directories')).toBe('directory');
    const s = rescore(['copying'], { copying: 1 }, [cand(0, 'nothing here', 'a'), cand(1, 'copy it', 'b')]);
    expect(s[1]).toBeGreaterThan(s[0]!);
  });

  it('credits a result whose document covers the rest of the query in other candidates', () => {
    const s = rescore(['secure', 'shell', 'client'], { secure: 2, shell: 1, client: 2 }, [
      cand(0, 'a secure shell', 'ssh'),
      cand(1, 'the client program', 'ssh'),
      cand(2, 'a secure shell', 'other'),
    ]);
    expect(s[0]).toBeGreaterThan(s[2]!);
  });

  it('keeps the first stage order when the query has no words, and always returns finite scores', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.double({ min: -10, max: 10, noNaN: true })), { maxLength: 20 }), fc.array(fc.string(), { maxLength: 4 }), (rows, words) => {
        const cs = rows.map(([t, score], i) => cand(i, t, String(i % 3), score));
        const out = rescore(words, {}, cs);
        expect(out).toHaveLength(cs.length);
        expect(out.every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true);
        if (words.length === 0) expect(out).toEqual(cs.map((c) => c.score));
      }),
    );
  });
});
