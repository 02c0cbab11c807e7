/**
 * The built-in hallucination corrector: faithful text untouched, unsupported sentences removed,
 * a wrong number or negation or option rewritten with the source's words (citations kept), each
 * change explained, and what it leaves passing the built-in scorer.
 */
import { describe, expect, it } from 'vitest';
import { scoreConsistency } from '../../src/generation/consistency/lexical-scorer.js';
import { BuiltinHallucinationCorrector } from '../../src/generation/correction/builtin-corrector.js';
import { diffTokens } from '../../src/generation/correction/token-diff.js';
import { tokenize } from '../../src/generation/consistency/text.js';

const SOURCES = [
  'The client retries a failed request 3 times before giving up. Each retry waits twice as long as the one before.',
  'The cache is not shared between processes. Entries expire after 10 minutes.',
  'Use --verbose to print every request. The server listens on port 8080 by default.',
];

const corrector = new BuiltinHallucinationCorrector();

describe('BuiltinHallucinationCorrector', () => {
  it('has an honest name', () => {
    expect(corrector.name).toBe('quarry-lexical-corrector');
  });

  it('leaves faithful text untouched', async () => {
    const text = 'The client retries a failed request 3 times before giving up [1].  Entries expire after 10 minutes [2].';
    expect(await corrector.correct(text, SOURCES)).toEqual({ corrected_text: text, corrections: [] });
    expect(await corrector.correct('', SOURCES)).toEqual({ corrected_text: '', corrections: [] });
  });

  it('removes a sentence no source supports, with its spacing', async () => {
    const out = await corrector.correct('The moon is made of green cheese. Entries expire after 10 minutes [2].', SOURCES);
    expect(out.corrected_text).toBe('Entries expire after 10 minutes [2].');
    expect(out.corrections).toEqual([
      { original_text: 'The moon is made of green cheese.', corrected_text: '', explanation: 'No source supports this sentence.' },
    ]);
    const last = await corrector.correct('Entries expire after 10 minutes. The moon is made of green cheese.', SOURCES);
    expect(last.corrected_text).toBe('Entries expire after 10 minutes.');
  });

  it('rewrites a wrong number with the source number, keeping the citation', async () => {
    const out = await corrector.correct('The client retries a failed request 5 times before giving up [1]. Entries expire after 10 minutes.', SOURCES);
    expect(out.corrected_text).toBe('The client retries a failed request 3 times before giving up [1]. Entries expire after 10 minutes.');
    expect(out.corrections).toHaveLength(1);
    expect(out.corrections[0]).toEqual({
      original_text: 'The client retries a failed request 5 times before giving up [1].',
      corrected_text: 'The client retries a failed request 3 times before giving up [1].',
      explanation: 'The sources say 3 times, not 5.',
    });
  });

  it('puts back a dropped negation and takes out an inserted one', async () => {
    const dropped = await corrector.correct('The cache is shared between processes [2].', SOURCES);
    expect(dropped.corrected_text).toBe('The cache is not shared between processes [2].');
    expect(dropped.corrections[0]?.explanation).toMatch(/opposite.*"is not shared".*"is shared"/);

    const inserted = await corrector.correct("The server doesn't listen on port 8080 by default.", SOURCES);
    expect(inserted.corrected_text).toBe('The server listens on port 8080 by default.');
    expect(inserted.corrections[0]?.explanation).toMatch(/do not negate/);
  });

  it('replaces a swapped option with the one the source names', async () => {
    const out = await corrector.correct('Use --quiet to print every request [3].', SOURCES);
    expect(out.corrected_text).toBe('Use --verbose to print every request [3].');
    expect(out.corrections[0]?.explanation).toContain('--verbose');
  });

  it('removes rather than rewrites a sentence too far from its source', async () => {
    const out = await corrector.correct('Der Cache wird nicht geteilt, sagt die Doku.', SOURCES);
    expect(out.corrected_text).toBe('');
    expect(out.corrections[0]).toMatchObject({ corrected_text: '' });
    expect(out.corrections[0]?.explanation).toMatch(/^No source supports this sentence/);
  });

  it('explains every change and leaves text the scorer calls supported', async () => {
    const text =
      'The client retries a failed request 7 times before giving up [1]. The cache is shared between processes [2]. ' +
      'Penguins cannot fly. The server listens on port 8080 by default [3].';
    const out = await corrector.correct(text, SOURCES, 'how does the client retry?');
    expect(out.corrections).toHaveLength(3);
    for (const c of out.corrections) {
      expect(c.explanation.length).toBeGreaterThan(10);
      expect(text).toContain(c.original_text);
      if (c.corrected_text) expect(out.corrected_text).toContain(c.corrected_text);
    }
    expect(scoreConsistency(text, SOURCES)).toBeLessThan(0.5);
    expect(scoreConsistency(out.corrected_text, SOURCES)).toBeGreaterThan(0.9);
  });
});

describe('diffTokens', () => {
  it('finds the differing spans and never splits a contracted word', () => {
    const gen = tokenize("it doesn't stop 5 VMs");
    const src = tokenize('it does stop 3 VMs');
    const hunks = diffTokens(gen, src);
    expect(hunks).toHaveLength(2);
    // "doesn't" is "does" + "not" on one span: the hunk takes the whole word on both sides.
    expect(hunks[0]).toEqual({ genFrom: 1, genTo: 3, srcFrom: 1, srcTo: 2 });
    expect(hunks[1]).toEqual({ genFrom: 4, genTo: 5, srcFrom: 3, srcTo: 4 });
  });
});
