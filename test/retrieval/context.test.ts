/**
 * Result text with context: worked examples of each `context_configuration` rule, then
 * properties over random documents and configurations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultText, type ContextConfig } from '../../src/retrieval/context.js';

const DOC = ['A one.', 'B two.', 'C three.', 'D four.', 'E five.'].map((text) => ({ text }));
const at = (config: ContextConfig | undefined, hit = 2) => resultText(DOC, hit, config);

describe('resultText: examples', () => {
  it('without context or tags is exactly the hit', () => {
    expect(at(undefined)).toBe('C three.');
    expect(at({})).toBe('C three.');
    expect(at({ sentences_before: 0, characters_after: 0, start_tag: '', end_tag: '' })).toBe('C three.');
  });

  it('tags wrap the hit even without context; a missing tag is empty', () => {
    expect(at({ start_tag: '<em>', end_tag: '</em>' })).toBe('<em>C three.</em>');
    expect(at({ start_tag: '%S%' })).toBe('%S%C three.');
    expect(at({ end_tag: '%E%' })).toBe('C three.%E%');
  });

  it('sentences add whole parts on each side, joined by one space, up to the document edge', () => {
    expect(at({ sentences_before: 1, sentences_after: 1 })).toBe('B two. C three. D four.');
    expect(at({ sentences_before: 1, sentences_after: 1, start_tag: '<b>', end_tag: '</b>' })).toBe(
      'B two. <b>C three.</b> D four.',
    );
    expect(at({ sentences_before: 9 })).toBe('A one. B two. C three.');
    expect(at({ sentences_after: 9 })).toBe('C three. D four. E five.');
    expect(at({ sentences_before: 3, sentences_after: 3 }, 0)).toBe('A one. B two. C three. D four.');
    expect(at({ sentences_before: 3, sentences_after: 3 }, 4)).toBe('B two. C three. D four. E five.');
  });

  it('treats negative counts as 0 and floors fractions', () => {
    expect(at({ sentences_before: -2, sentences_after: -1, characters_before: -5 })).toBe('C three.');
    expect(at({ sentences_before: 1.9 })).toBe('B two. C three.');
    expect(at({ sentences_before: 0.5 })).toBe('C three.');
  });

  it('sentences win over characters, side by side; 0 counts as unset', () => {
    expect(at({ sentences_before: 1, characters_before: 100 })).toBe('B two. C three.');
    expect(at({ sentences_after: 1, characters_after: 100 })).toBe('C three. D four.');
    expect(at({ sentences_before: 1, characters_after: 3 })).toBe('B two. C three. D four.');
    expect(at({ sentences_before: 0, characters_before: 3 })).toBe('B two. C three.');
  });

  it('characters_before widens the last N characters to the whole parts they touch', () => {
    // Preceding text: "A one. B two." — "B two." is 6 characters, the space before it the 7th.
    expect(at({ characters_before: 1 })).toBe('B two. C three.');
    expect(at({ characters_before: 6 })).toBe('B two. C three.');
    expect(at({ characters_before: 7 })).toBe('B two. C three.');
    expect(at({ characters_before: 8 })).toBe('A one. B two. C three.');
    expect(at({ characters_before: 1000 })).toBe('A one. B two. C three.');
    expect(at({ characters_before: 50 }, 0)).toBe('A one.');
  });

  it('characters_after widens the first N characters to the whole parts they touch', () => {
    // Following text: "D four. E five." — "D four." is 7 characters, then a space.
    expect(at({ characters_after: 1 })).toBe('C three. D four.');
    expect(at({ characters_after: 8 })).toBe('C three. D four.');
    expect(at({ characters_after: 9 })).toBe('C three. D four. E five.');
    expect(at({ characters_after: 50 }, 4)).toBe('E five.');
  });

  it('mixes characters on one side with sentences on the other, with tags', () => {
    expect(at({ characters_before: 2, sentences_after: 2, start_tag: '[', end_tag: ']' })).toBe(
      'B two. [C three.] D four. E five.',
    );
  });

  it('rejects a hit that is not a part index', () => {
    expect(() => resultText(DOC, 5, undefined)).toThrow(RangeError);
    expect(() => resultText(DOC, -1, undefined)).toThrow(RangeError);
    expect(() => resultText([], 0, undefined)).toThrow(RangeError);
  });
});

// -- properties ------------------------------------------------------------------------------

/** A document with distinct texts, so which parts were shown can be read back from the output. */
const docArb = fc
  .array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 10 })
  .map((xs) => xs.map((x, i) => ({ text: `${i}:${x}` })));

const docAndHit = docArb.chain((parts) => fc.tuple(fc.constant(parts), fc.nat({ max: parts.length - 1 })));

const countArb = fc.option(fc.integer({ min: -3, max: 40 }), { nil: undefined });
const tagArb = fc.option(fc.string({ maxLength: 5 }), { nil: undefined });
const configArb: fc.Arbitrary<ContextConfig> = fc.record(
  {
    sentences_before: countArb,
    sentences_after: countArb,
    characters_before: countArb,
    characters_after: countArb,
    start_tag: tagArb,
    end_tag: tagArb,
  },
  { requiredKeys: [] },
);

const join = (parts: readonly { text: string }[]) => parts.map((p) => p.text).join(' ');

/** The fewest parts (from the hit outwards) whose joined text, plus the joining space, spans N. */
function partsSpanning(side: readonly { text: string }[], n: number): number {
  if (n <= 0) return 0;
  for (let m = 1; m <= side.length; m++) if (join(side.slice(0, m)).length + 1 >= n) return m;
  return side.length;
}

describe('resultText: properties', () => {
  it('always contains start_tag + hit + end_tag', () => {
    fc.assert(
      fc.property(docAndHit, configArb, ([parts, hit], config) => {
        const tagged = `${config.start_tag ?? ''}${parts[hit]!.text}${config.end_tag ?? ''}`;
        expect(resultText(parts, hit, config)).toContain(tagged);
      }),
      { numRuns: 1000 },
    );
  });

  it('sentences_before = k shows exactly the min(k, hit) preceding parts', () => {
    fc.assert(
      fc.property(docAndHit, fc.integer({ min: 1, max: 15 }), tagArb, ([parts, hit], k, tag) => {
        const out = resultText(parts, hit, { sentences_before: k, characters_before: 5, start_tag: tag, end_tag: tag });
        const shown = parts.slice(hit - Math.min(k, hit), hit);
        const tagged = `${tag ?? ''}${parts[hit]!.text}${tag ?? ''}`;
        expect(out).toBe([...shown.map((p) => p.text), tagged].join(' '));
      }),
      { numRuns: 1000 },
    );
  });

  it('sentences_after = k shows exactly the following min(k, n − 1 − hit) parts', () => {
    fc.assert(
      fc.property(docAndHit, fc.integer({ min: 1, max: 15 }), ([parts, hit], k) => {
        const out = resultText(parts, hit, { sentences_after: k });
        expect(out).toBe(join(parts.slice(hit, hit + 1 + k)));
      }),
      { numRuns: 1000 },
    );
  });

  it('characters show the fewest whole parts covering N characters on each side', () => {
    fc.assert(
      fc.property(
        docAndHit,
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        ([parts, hit], before, after) => {
          const out = resultText(parts, hit, { characters_before: before, characters_after: after });
          const preceding = parts.slice(0, hit).reverse();
          const following = parts.slice(hit + 1);
          const m = partsSpanning(preceding, before);
          const l = partsSpanning(following, after);
          expect(out).toBe(join(parts.slice(hit - m, hit + 1 + l)));
          // Whenever the document has them, at least N characters of context are shown.
          const shownBefore = join(parts.slice(hit - m, hit)).length;
          expect(shownBefore + (m > 0 ? 1 : 0)).toBeGreaterThanOrEqual(Math.min(before, join(parts.slice(0, hit)).length));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('without context or tags returns the hit text unchanged', () => {
    fc.assert(
      fc.property(docAndHit, ([parts, hit]) => {
        expect(resultText(parts, hit, undefined)).toBe(parts[hit]!.text);
        expect(resultText(parts, hit, { sentences_before: 0, characters_after: -4 })).toBe(parts[hit]!.text);
      }),
      { numRuns: 300 },
    );
  });
});
