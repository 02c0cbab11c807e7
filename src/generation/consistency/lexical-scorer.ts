/**
 * The built-in factual-consistency scorer: a lexical alignment check, not a neural model (not
 * HHEM). Each generated sentence is aligned with its best-supporting source sentence(s) and
 * penalised for what they do not support (support.ts); the sentence logits are combined by a soft
 * minimum, so one unsupported sentence pulls the whole answer down while several good ones cannot
 * hide it, and squashed by a sigmoid into the open interval (0, 1).
 *
 * What it can see: swapped words (names, options, values found in no source), changed or invented
 * numbers, inserted or dropped negations (English, German and French cues), and common antonym
 * swaps. What it cannot: paraphrase (a faithful answer in other words scores lower than a copied
 * one), and wrong claims made only of words the sources use elsewhere, in another relation.
 */
import type { ConsistencyScorer } from '../types.js';
import { FCS_LANGUAGES } from './cues.js';
import { checkSentence, indexSources } from './support.js';
import { analyseText } from './text.js';

export { FCS_LANGUAGES };

/**
 * Callers skip scoring (and warn `exceeded_max_input_length_fcs`) when the generated text and the
 * sources together are longer than this, in UTF-16 code units. The scorer's cost grows with
 * (generated sentences x source sentences); at this size it stays within tens of milliseconds.
 */
export const MAX_FCS_INPUT_CHARS = 100_000;

/** Softness of the minimum over sentence logits: lower is closer to the plain minimum. */
const SOFT_MIN_TEMPERATURE = 1;
/** Keeps the score strictly inside (0, 1) however extreme the logit. */
const FLOOR = 1e-3;
/** Score of a text with nothing to judge (empty, or no words). */
const NOTHING_TO_JUDGE = 0.5;

export class LexicalConsistencyScorer implements ConsistencyScorer {
  readonly name = 'quarry-lexical-consistency';

  async score(generated: string, sources: readonly string[]): Promise<number> {
    return scoreConsistency(generated, sources);
  }
}

/** The synchronous core of LexicalConsistencyScorer.score. */
export function scoreConsistency(generated: string, sources: readonly string[]): number {
  const sentences = analyseText(generated).filter((s) => s.tokens.length > 0);
  if (sentences.length === 0) return NOTHING_TO_JUDGE;
  const index = indexSources(sources);
  const logits = sentences.map((s) => checkSentence(s, index).logit);
  return squash(softMin(logits, SOFT_MIN_TEMPERATURE));
}

/** -T * log(mean(exp(-x / T))): the mean for equal values, near the minimum when one is far lower. */
export function softMin(xs: readonly number[], temperature: number): number {
  const lowest = Math.min(...xs);
  // Shifted by the minimum so exp never overflows.
  const mean = xs.reduce((sum, x) => sum + Math.exp(-(x - lowest) / temperature), 0) / xs.length;
  return lowest - temperature * Math.log(mean);
}

function squash(logit: number): number {
  const p = 1 / (1 + Math.exp(-logit));
  return Math.min(1 - FLOOR, Math.max(FLOOR, p));
}
