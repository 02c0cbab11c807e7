/**
 * The built-in lexical consistency scorer: specific cases (a faithful answer against the same
 * answer with a number changed, a negation flipped, a word swapped), the (0, 1) bounds, and the
 * ROC AUC on a small seeded subset of the manpages-derived set the `fcs` bench section uses.
 */
import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../bench/fcs.js';
import { buildFcsDataset, loadManpages, NEGATIVE_KINDS } from '../../bench/fcs-dataset.js';
import {
  FCS_LANGUAGES,
  LexicalConsistencyScorer,
  MAX_FCS_INPUT_CHARS,
  scoreConsistency,
  softMin,
} from '../../src/generation/consistency/lexical-scorer.js';

const SOURCES = [
  'The client retries a failed request 3 times before giving up. Each retry waits twice as long as the one before.',
  'The cache is not shared between processes. Entries expire after 10 minutes.',
  'Use --verbose to print every request. The server listens on port 8080 by default.',
];
const FAITHFUL = 'The client retries a failed request 3 times before giving up [1]. The server listens on port 8080 by default [3].';

describe('LexicalConsistencyScorer', () => {
  const scorer = new LexicalConsistencyScorer();

  it('has an honest name and supports the languages it knows negation cues for', () => {
    expect(scorer.name).toBe('quarry-lexical-consistency');
    expect([...FCS_LANGUAGES].sort()).toEqual(['deu', 'eng', 'fra']);
    expect(MAX_FCS_INPUT_CHARS).toBeGreaterThan(10_000);
  });

  it('scores text copied from the sources high', async () => {
    expect(await scorer.score(FAITHFUL, SOURCES)).toBeGreaterThan(0.9);
    expect(await scorer.score(SOURCES[1]!, SOURCES)).toBeGreaterThan(0.9);
  });

  it('scores a changed number, a flipped negation and a swapped word below the faithful text', async () => {
    const faithful = await scorer.score(FAITHFUL, SOURCES);
    const variants = {
      number: FAITHFUL.replace('3 times', '5 times'),
      port: FAITHFUL.replace('8080', '9090'),
      insertedNegation: FAITHFUL.replace('The server listens', 'The server does not listen'),
      removedNegation: 'The cache is shared between processes [2].',
      swappedWord: FAITHFUL.replace('client', 'browser'),
      swappedOption: 'Use --quiet to print every request.',
    };
    for (const [what, text] of Object.entries(variants)) {
      expect(text, what).not.toBe(FAITHFUL);
      const score = await scorer.score(text, SOURCES);
      expect(score, what).toBeLessThan(faithful - 0.1);
    }
    // Numbers and negations flip a fact outright: they fall below one half.
    expect(await scorer.score(variants.number, SOURCES)).toBeLessThan(0.5);
    expect(await scorer.score(variants.insertedNegation, SOURCES)).toBeLessThan(0.5);
    expect(await scorer.score(variants.removedNegation, SOURCES)).toBeLessThan(0.5);
  });

  it('treats "does not" and "doesn\'t", "three" and "3" alike, and ignores citation digits', async () => {
    const sources = ['The tool does not follow symbolic links. It keeps three backups.'];
    expect(await scorer.score("The tool doesn't follow symbolic links [1]. It keeps 3 backups [1].", sources)).toBeGreaterThan(0.9);
  });

  it('knows German and French negations', async () => {
    expect(await scorer.score('Der Cache wird zwischen Prozessen geteilt.', ['Der Cache wird nicht zwischen Prozessen geteilt.'])).toBeLessThan(0.5);
    expect(await scorer.score("Le cache n'est pas partagé.", ['Le cache est partagé.'])).toBeLessThan(0.5);
    expect(await scorer.score("Le cache n'est pas partagé.", ['Le cache ne est pas partagé.'])).toBeGreaterThan(0.9);
  });

  it('lets one unsupported sentence pull down an otherwise faithful answer', async () => {
    const one = await scorer.score(`${FAITHFUL} The moon is made of green cheese.`, SOURCES);
    expect(one).toBeLessThan(0.5);
  });

  it('scores unrelated text and empty sources low', async () => {
    expect(await scorer.score(FAITHFUL, [])).toBeLessThan(0.05);
    expect(await scorer.score(FAITHFUL, [''])).toBeLessThan(0.05);
    expect(await scorer.score('Penguins live in the southern hemisphere.', SOURCES)).toBeLessThan(0.05);
  });

  it('always answers within the open interval (0, 1)', async () => {
    const texts = ['', '   ', '[1]', 'Yes.', FAITHFUL, 'x '.repeat(500), SOURCES.join(' '), '42 43 44 45 46 47 48 49 50.'];
    for (const text of texts) {
      for (const sources of [[], SOURCES, [text]]) {
        const s = await scorer.score(text, sources);
        expect(s).toBeGreaterThan(0);
        expect(s).toBeLessThan(1);
      }
    }
  });

});

describe('softMin', () => {
  it('is the value for equal values and near the minimum when one is far lower', () => {
    expect(softMin([2, 2, 2], 1)).toBeCloseTo(2, 10);
    expect(softMin([3, 3, 3, -5], 1)).toBeLessThan(-3);
    expect(softMin([3, 3, 3, -5], 1)).toBeGreaterThan(-5);
  });
});

describe('on the manpages-derived set (seeded subset)', () => {
  const items = buildFcsDataset(loadManpages(), { documents: 60, seed: 7 });

  it('builds the same items for the same seed, and every kind of item', () => {
    expect(buildFcsDataset(loadManpages(), { documents: 60, seed: 7 })).toEqual(items);
    for (const kind of ['faithful', ...NEGATIVE_KINDS]) expect(items.some((i) => i.kind === kind), kind).toBe(true);
    for (const i of items) expect(i.label).toBe(i.kind === 'faithful' ? 1 : 0);
  });

  it('separates supported from corrupted answers with ROC AUC >= 0.85', () => {
    const scores = items.map((i) => scoreConsistency(i.generated, i.sources));
    expect(rocAuc(scores, items.map((i) => i.label))).toBeGreaterThanOrEqual(0.85);
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 for ties', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([0.9, 0.3, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.75);
  });
});
