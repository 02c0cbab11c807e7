/**
 * Checks one generated sentence against the sources: aligns it with the source sentence that shares
 * the most of its content words (plus, when it draws on two, the sentence that covers most of the
 * rest), then lists what the aligned text does not support:
 *  - content words found in no source (a swapped name, option or fact) or only in other sentences;
 *  - numbers the aligned text does not have;
 *  - a negation present on one side only;
 *  - a word whose antonym the aligned text uses instead ("enable" for "disable").
 * The verdict is a logit: positive when supported, lower for every problem. The scorer and the
 * corrector share it, so what the corrector keeps is what the scorer calls supported.
 */
import { ANTONYMS } from './cues.js';
import { analyseText, type Sentence } from './text.js';

/** The sources, split and analysed once per call. */
export interface SourceIndex {
  sentences: Sentence[];
  /** Content stems of all sources. */
  content: Set<string>;
  numbers: Set<string>;
}

export function indexSources(sources: readonly string[]): SourceIndex {
  const sentences: Sentence[] = [];
  const content = new Set<string>();
  const numbers = new Set<string>();
  sources.forEach((source, i) => {
    for (const s of analyseText(source, i)) {
      sentences.push(s);
      for (const c of s.content) content.add(c);
      for (const n of s.numbers.keys()) numbers.add(n);
    }
  });
  return { sentences, content, numbers };
}

export interface SentenceCheck {
  sentence: Sentence;
  /** The best-aligned source sentence; undefined when no source sentence shares a word. */
  aligned: Sentence | undefined;
  /** Further source sentences the generated one also draws on (see align). */
  extra: Sentence[];
  /** Share of the sentence's content words and numbers found in `aligned` (0 without one). */
  overlap: number;
  /** Content stems found in no source. */
  unsupportedWords: string[];
  /** Content stems found in the sources but not in the aligned sentence(s). */
  displacedWords: string[];
  /** Numbers the aligned sentence(s) do not have (as often); `anywhere`: some source has them. */
  numberIssues: Array<{ value: string; anywhere: boolean }>;
  negation: 'inserted' | 'removed' | undefined;
  /** Generated stem whose antonym the aligned text uses instead. */
  antonyms: Array<{ word: string; sourceWord: string }>;
  /** Support logit: > 0 supported, lower for each problem. */
  logit: number;
  /** True when nothing above counts against the sentence (displaced words aside, in moderation). */
  supported: boolean;
}

/** How many of `s`'s claims (content words and numbers) `other` has, leaving out those in `covered`. */
function gain(s: Sentence, other: Sentence, covered: ReadonlySet<string>): number {
  let n = 0;
  for (const c of s.content) if (!covered.has(c) && other.content.has(c)) n++;
  for (const x of s.numbers.keys()) if (!covered.has(`#${x}`) && other.numbers.has(x)) n++;
  return n;
}

const MAX_SUPPORT_SENTENCES = 3;

/**
 * The source sentence sharing the most claims with `s` (ties: the shorter), then, greedily, up to
 * two more that cover claims still unsupported: a generated sentence may join two source sentences,
 * or the splitter may have cut differently on either side. A further sentence must add two claims,
 * or one when it is the neighbour of one already chosen: a single shared word elsewhere is more
 * likely a coincidence than a source.
 */
function align(s: Sentence, index: SourceIndex): { support: Sentence[]; hits: number } {
  const support: Sentence[] = [];
  const covered = new Set<string>();
  let hits = 0;
  while (support.length < MAX_SUPPORT_SENTENCES) {
    let best: Sentence | undefined;
    let bestGain = 0;
    for (const candidate of index.sentences) {
      if (support.includes(candidate)) continue;
      const g = gain(s, candidate, covered);
      if (g > bestGain || (g === bestGain && g > 0 && best && candidate.tokens.length < best.tokens.length)) {
        best = candidate;
        bestGain = g;
      }
    }
    if (!best) break;
    if (support.length > 0) {
      const chosen = best;
      const neighbour = support.some((u) => u.source === chosen.source && Math.abs(u.position - chosen.position) === 1);
      if (bestGain < 2 && !neighbour) break;
    } else {
      hits = bestGain;
    }
    support.push(best);
    for (const c of best.content) covered.add(c);
    for (const x of best.numbers.keys()) covered.add(`#${x}`);
  }
  return { support, hits };
}

/**
 * Stems of the content words a negation of `s` is about: the two after it (within five tokens)
 * and the one before (within two). A removed negation shows as these words in the generated
 * sentence without a negation.
 */
function negationScopes(s: Sentence, into: Set<string>): void {
  s.tokens.forEach((t, i) => {
    if (t.kind !== 'negation') return;
    let after = 0;
    for (let j = i + 1; j < Math.min(s.tokens.length, i + 6) && after < 2; j++) {
      const u = s.tokens[j]!;
      if (u.kind === 'content') {
        into.add(u.stem);
        after++;
      }
    }
    for (let j = i - 1; j >= Math.max(0, i - 2); j--) {
      const u = s.tokens[j]!;
      if (u.kind === 'content') {
        into.add(u.stem);
        break;
      }
    }
  });
}

// Weights of the support logit, set on the manpages benchmark (bench/fcs.ts) by hand, not fitted.
const BASE = 3;
const PER_UNSUPPORTED_SHARE = 5;
const PER_UNSUPPORTED_WORD = 1.2;
const PER_DISPLACED_SHARE = 1.5;
const PER_DISPLACED_WORD = 0.6;
const NEGATION_MISMATCH = 4;
const NUMBER_MISSING_HERE = 3;
const NUMBER_MISSING_EVERYWHERE = 1.5;
const ANTONYM = 3;
const MAX_COUNTED_WORDS = 4;
/** Displaced words are tolerated (answers combine sentences) up to this share of the sentence. */
const DISPLACED_TOLERANCE = 0.34;

export function checkSentence(sentence: Sentence, index: SourceIndex): SentenceCheck {
  const { support, hits } = align(sentence, index);
  const aligned = support[0];
  const claims = sentence.content.size + sentence.numbers.size;
  const supportContent = new Set<string>();
  const supportNumbers = new Map<string, number>();
  let supportNegations = 0;
  for (const s of support) {
    for (const c of s.content) supportContent.add(c);
    for (const [x, k] of s.numbers) supportNumbers.set(x, (supportNumbers.get(x) ?? 0) + k);
    supportNegations += s.negations;
  }

  const unsupportedWords: string[] = [];
  const displacedWords: string[] = [];
  for (const c of sentence.content) {
    if (!index.content.has(c)) unsupportedWords.push(c);
    else if (!supportContent.has(c)) displacedWords.push(c);
  }
  const numberIssues: SentenceCheck['numberIssues'] = [];
  for (const [x, k] of sentence.numbers) {
    // Counted, so that "0 if successful, 2 if conflicts, 2 if trouble" is caught against "0, 1, 2".
    if (k > (supportNumbers.get(x) ?? 0)) numberIssues.push({ value: x, anywhere: index.numbers.has(x) });
  }

  let negation: SentenceCheck['negation'];
  if (aligned) {
    if (sentence.negations > supportNegations) negation = 'inserted';
    else if (sentence.negations < supportNegations) {
      const scope = new Set<string>();
      for (const s of support) negationScopes(s, scope);
      for (const c of scope) {
        if (sentence.content.has(c)) {
          negation = 'removed';
          break;
        }
      }
    }
  }

  const antonyms: SentenceCheck['antonyms'] = [];
  if (aligned) {
    const sourceStems = new Set(support.flatMap((s) => s.tokens.map((u) => u.stem)));
    for (const t of sentence.tokens) {
      const opposite = ANTONYMS.get(t.stem);
      if (!opposite || sourceStems.has(t.stem)) continue;
      for (const o of opposite) {
        if (sourceStems.has(o)) {
          antonyms.push({ word: t.stem, sourceWord: o });
          break;
        }
      }
    }
  }

  const n = Math.max(1, sentence.content.size);
  let logit = BASE;
  logit -= PER_UNSUPPORTED_SHARE * (unsupportedWords.length / n);
  logit -= PER_UNSUPPORTED_WORD * Math.min(MAX_COUNTED_WORDS, unsupportedWords.length);
  logit -= PER_DISPLACED_SHARE * (displacedWords.length / n);
  logit -= PER_DISPLACED_WORD * Math.min(MAX_COUNTED_WORDS, displacedWords.length);
  if (negation) logit -= NEGATION_MISMATCH;
  for (const issue of numberIssues) logit -= NUMBER_MISSING_HERE + (issue.anywhere ? 0 : NUMBER_MISSING_EVERYWHERE);
  logit -= ANTONYM * antonyms.length;
  // A sentence with no claim of its own ("Yes.") that aligns with nothing is neither supported nor
  // contradicted: it keeps the base logit.

  const supported =
    unsupportedWords.length === 0 &&
    numberIssues.length === 0 &&
    negation === undefined &&
    antonyms.length === 0 &&
    displacedWords.length <= DISPLACED_TOLERANCE * n;
  return {
    sentence,
    aligned,
    extra: support.slice(1),
    overlap: claims === 0 ? 0 : hits / claims,
    unsupportedWords,
    displacedWords,
    numberIssues,
    negation,
    antonyms,
    logit,
    supported,
  };
}
