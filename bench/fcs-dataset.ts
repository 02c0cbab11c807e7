/**
 * A labelled factual-consistency set built from manual pages (../shared/datasets/manpages), for the
 * `fcs` bench section and the scorer's unit test. Deterministic: the same documents, seed and
 * options always give the same items.
 *
 * For each chosen page, a passage of up to four consecutive sentences is the source, shown among
 * passages of two other pages (so the scorer has to find it). From it:
 *  - positives (label 1): one to three passage sentences in order; and either two or more
 *    reordered, or a sentence cut after a comma or semicolon, or two sentences joined by "and";
 *  - negatives (label 0), one sentence of a one-to-three-sentence answer corrupted:
 *    `swap`     a content word replaced by one from another page that no source contains, or
 *               (half the time) by one from another source passage, which is harder to see,
 *    `number`   a number changed (only pages with a number in a usable sentence),
 *    `negation` a negation inserted after an auxiliary ("is" -> "is not", "can" -> "cannot") or
 *               removed ("does not" -> "does").
 * Half of the answers carry citation markers ("[2]"), as generators write them.
 *
 * The negatives are exactly the kinds of error the lexical scorer looks for, and the positives
 * copy source sentences verbatim: the AUC measured here says the checks work, not how the scorer
 * fares on free paraphrase.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitSentences } from '../src/ingestion/chunkers/sentences.js';
import { FUNCTION_WORDS, NEGATION_CUES } from '../src/generation/consistency/cues.js';
import { prng } from './prng.js';

export const MANPAGES_DOCS = fileURLToPath(new URL('../../shared/datasets/manpages/docs.jsonl', import.meta.url));

export interface FcsDoc {
  id: string;
  text: string;
}

export type FcsKind = 'faithful' | 'swap' | 'number' | 'negation';
export const NEGATIVE_KINDS = ['swap', 'number', 'negation'] as const;

export interface FcsItem {
  id: string;
  docId: string;
  kind: FcsKind;
  /** 1: the generated text is supported by the sources; 0: it is not. */
  label: 0 | 1;
  generated: string;
  sources: string[];
  /** For negatives: the answer before it was corrupted (what a perfect corrector would give back). */
  original?: string;
}

export interface FcsDatasetOptions {
  /** Seed of the pseudo-random choices (default 1). */
  seed?: number;
  /** Pages to build items from (default: all usable ones). */
  documents?: number;
}

export function loadManpages(path: string = MANPAGES_DOCS): FcsDoc[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const { id, text } = JSON.parse(line) as FcsDoc;
      return { id, text };
    });
}


class Picker {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

const MIN_WORDS = 6;
const MAX_WORDS = 60;
const PASSAGE_SENTENCES = 4;
const DISTRACTORS = 2;

/** Sentences of a page fit to be claims: whole sentences of reasonable length, ending in a period. */
function usableSentences(text: string): string[] {
  return splitSentences(text)
    .map((c) => c.text)
    .filter((s) => {
      const words = s.split(/\s+/).length;
      return words >= MIN_WORDS && words <= MAX_WORDS && /[.!?]$/.test(s) && !/\[\d/.test(s);
    });
}

const HAS_NUMBER = /\b\d+\b/;
const CONTENT_WORD = /^[A-Za-z][a-z]{3,}$/;
const AUXILIARY = /\b(is|are|was|were|will|does|do|should|must|may|has|have|can)\b(?! not\b)/g;
const NEGATED = /\b(cannot|can't|(?:does|do|is|are|was|were|will|should|must|may|has|have) not)\b/;

function contentWords(sentence: string): string[] {
  return sentence.split(/[\s,;:()"]+/).filter((w) => CONTENT_WORD.test(w) && !FUNCTION_WORDS.has(w.toLowerCase()) && !NEGATION_CUES.has(w.toLowerCase()));
}

function swapWord(sentence: string, donorWords: readonly string[], avoid: string, rnd: Picker): string | undefined {
  const candidates = contentWords(sentence);
  const replacements = donorWords.filter((w) => !avoid.includes(w.toLowerCase()));
  if (!candidates.length || !replacements.length) return undefined;
  const target = rnd.pick(candidates);
  let replacement = rnd.pick(replacements).toLowerCase();
  if (/^[A-Z]/.test(target)) replacement = replacement[0]!.toUpperCase() + replacement.slice(1);
  return sentence.replace(new RegExp(`\\b${target}\\b`), replacement);
}

function changeNumber(sentence: string, rnd: Picker): string | undefined {
  const numbers = [...sentence.matchAll(/\b\d+\b/g)];
  if (!numbers.length) return undefined;
  const m = rnd.pick(numbers);
  const value = Number(m[0]);
  const changed = rnd.next() < 0.5 ? value + 1 + rnd.int(9) : value === 0 ? 1 + rnd.int(9) : value * 2;
  const at = m.index ?? 0;
  return sentence.slice(0, at) + String(changed) + sentence.slice(at + m[0].length);
}

function flipNegation(sentence: string, rnd: Picker): string | undefined {
  const negated = NEGATED.exec(sentence);
  if (negated) {
    const at = negated.index;
    const phrase = negated[0];
    const positive = phrase === 'cannot' || phrase === "can't" ? 'can' : phrase.replace(/ not$/, '');
    return sentence.slice(0, at) + positive + sentence.slice(at + phrase.length);
  }
  const auxiliaries = [...sentence.matchAll(AUXILIARY)];
  if (!auxiliaries.length) return undefined;
  const m = rnd.pick(auxiliaries);
  const at = (m.index ?? 0) + m[0].length;
  return m[0] === 'can' ? `${sentence.slice(0, at)}not${sentence.slice(at)}` : `${sentence.slice(0, at)} not${sentence.slice(at)}`;
}

/** The sentence up to its last comma or semicolon past the fourth word, closed with a period. */
function trimmed(sentence: string): string | undefined {
  const cut = Math.max(sentence.lastIndexOf(', '), sentence.lastIndexOf('; '));
  if (cut < 0 || sentence.slice(0, cut).split(/\s+/).length < 4) return undefined;
  return `${sentence.slice(0, cut)}.`;
}

/** "A. B." -> "A, and b." (the second sentence's first letter lowered unless it starts a name). */
function joined(a: string, b: string): string {
  const second = /^[A-Z][a-z]/.test(b) ? b[0]!.toLowerCase() + b.slice(1) : b;
  return `${a.slice(0, -1)}, and ${second}`;
}

function cite(sentences: readonly string[], citation: number | undefined): string {
  if (citation === undefined) return sentences.join(' ');
  return sentences.map((s) => `${s.slice(0, -1)} [${citation}]${s.slice(-1)}`).join(' ');
}

export function buildFcsDataset(docs: readonly FcsDoc[], options: FcsDatasetOptions = {}): FcsItem[] {
  const rnd = new Picker(prng(options.seed ?? 1));
  const usable = docs.map((d) => ({ doc: d, sentences: usableSentences(d.text) })).filter((d) => d.sentences.length >= 2);
  const chosen = rnd.shuffle(usable).slice(0, options.documents ?? usable.length);
  const items: FcsItem[] = [];
  for (const { doc, sentences } of chosen) {
    // Prefer a window holding a number, so that the `number` kind is not too rare.
    const withNumber = sentences.findIndex((s) => HAS_NUMBER.test(s));
    const start = withNumber >= 0 ? Math.max(0, withNumber - rnd.int(PASSAGE_SENTENCES)) : rnd.int(Math.max(1, sentences.length - 1));
    const passage = sentences.slice(start, start + PASSAGE_SENTENCES);
    if (passage.length < 2) continue;
    const others = usable.filter((u) => u.doc.id !== doc.id);
    const distractors = Array.from({ length: DISTRACTORS }, () => rnd.pick(others).sentences.slice(0, PASSAGE_SENTENCES).join(' '));
    const sources = rnd.shuffle([passage.join(' '), ...distractors]);
    const citation = sources.indexOf(passage.join(' ')) + 1;
    const sourcesLower = sources.join(' ').toLowerCase();
    const answer = (sentencesOfAnswer: string[]) => cite(sentencesOfAnswer, rnd.next() < 0.5 ? citation : undefined);
    const subset = () => {
      const k = 1 + rnd.int(Math.min(3, passage.length));
      const from = rnd.int(passage.length - k + 1);
      return passage.slice(from, from + k);
    };
    const add = (kind: FcsKind, generated: string, original?: string) =>
      items.push({
        id: `${doc.id}#${kind}${items.length}`,
        docId: doc.id,
        kind,
        label: kind === 'faithful' ? 1 : 0,
        generated,
        sources,
        ...(original !== undefined ? { original } : {}),
      });

    add('faithful', answer(subset()));
    const variant = rnd.int(3);
    if (variant === 0) add('faithful', answer(rnd.shuffle(passage.slice(0, Math.max(2, 1 + rnd.int(passage.length)))).reverse()));
    else if (variant === 1) add('faithful', answer(subset().map((s) => trimmed(s) ?? s)));
    else add('faithful', answer([joined(passage[0]!, passage[1]!)]));

    const corrupt = (kind: (typeof NEGATIVE_KINDS)[number], change: (s: string) => string | undefined, eligible: (s: string) => boolean) => {
      const base = subset();
      let target = base.findIndex(eligible);
      if (target < 0) {
        // Bring in an eligible passage sentence when the drawn subset has none.
        const extra = passage.find(eligible);
        if (!extra) return;
        base.push(extra);
        target = base.length - 1;
      }
      const changed = change(base[target]!);
      if (changed === undefined || changed === base[target]) return;
      const cited = rnd.next() < 0.5 ? citation : undefined;
      const original = cite(base, cited);
      base[target] = changed;
      add(kind, cite(base, cited), original);
    };
    // Half the swaps bring a word no source has; the other half one from a distractor passage,
    // which the scorer only sees as out of place, not as unsupported.
    const fromElsewhere = rnd.next() < 0.5;
    const donor = fromElsewhere ? contentWords(rnd.pick(others).sentences.join(' ')) : contentWords(sources.filter((x) => x !== passage.join(' ')).join(' '));
    const avoid = fromElsewhere ? sourcesLower : passage.join(' ').toLowerCase();
    corrupt('swap', (s) => swapWord(s, donor, avoid, rnd), (s) => contentWords(s).length > 0);
    corrupt('number', (s) => changeNumber(s, rnd), (s) => HAS_NUMBER.test(s));
    corrupt('negation', (s) => flipNegation(s, rnd), (s) => NEGATED.test(s) || new RegExp(AUXILIARY.source).test(s));
  }
  return items;
}
