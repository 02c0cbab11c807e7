/**
 * Turns text into what the lexical consistency checks compare: sentences of normalised tokens,
 * each token keeping the span of the surface word it came from (so the corrector can edit the
 * original text), with content-word stems, numbers and negations counted per sentence.
 *
 * Normalisation: NFKC + lower case; "n't" -> "not" and "cannot" -> "can not" (so "doesn't" meets
 * "does not"); French elisions split ("n'est" -> "n" "est"); "1,000" -> "1000"; English number
 * words two to twenty -> digits. Bracketed citation markers ("[1]", "[2, 3]") are not tokens: their
 * digits are not claims.
 */
import { splitSentences } from '../../ingestion/chunkers/sentences.js';
import { lightStem } from '../../retrieval/rerank/light-stem.js';
import { FRENCH_NE, FRENCH_NEGATION_TAILS, FUNCTION_WORDS, NEGATION_CUES, NUMBER_WORDS } from './cues.js';

export type TokenKind = 'content' | 'number' | 'negation' | 'function';

export interface Token {
  /** Normalised form (see the file comment). */
  norm: string;
  /** lightStem(norm) for content words; `norm` otherwise. */
  stem: string;
  kind: TokenKind;
  /** Span of the surface word in the analysed text; pieces of one word ("doesn't") share it. */
  start: number;
  end: number;
}

export interface Sentence {
  text: string;
  /** Offsets in the text the sentence was taken from. */
  start: number;
  end: number;
  tokens: Token[];
  /** Distinct content stems. */
  content: Set<string>;
  /** Normalised numbers -> how often each occurs. */
  numbers: Map<string, number>;
  /** Negations, counted once each (French "ne … pas" is one). */
  negations: number;
  /** Which text of a list the sentence came from, and its place in it (for sources). */
  source: number;
  position: number;
}

const CITATION = /\[\d+(?:\s*[,–-]\s*\d+)*\]/g;
const WORD = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}\p{M}\p{N}_]+)*/gu;
const NUMERIC = /^\p{N}/u;
const THOUSANDS = /^\d{1,3}(?:,\d{3})+$/;
const ELISION = /^(l|d|n|j|s|c|m|t|qu)'(.+)$/;

/** Normalised pieces of one surface word. */
function pieces(surface: string): string[] {
  const w = surface.normalize('NFKC').toLowerCase().replace(/’/g, "'");
  if (NUMERIC.test(w)) return [THOUSANDS.test(w) ? w.replace(/,/g, '') : w];
  if (w === 'cannot') return ['can', 'not'];
  if (w === "won't") return ['will', 'not'];
  if (w === "can't") return ['can', 'not'];
  if (w.endsWith("n't")) return [w.slice(0, -3), 'not'];
  const elided = ELISION.exec(w);
  if (elided) return [elided[1]!, elided[2]!];
  const numberWord = NUMBER_WORDS.get(w);
  return [numberWord ?? w];
}

function kindOf(norm: string): TokenKind {
  if (NUMERIC.test(norm)) return 'number';
  if (NEGATION_CUES.has(norm) || FRENCH_NE.has(norm)) return 'negation';
  if (FRENCH_NEGATION_TAILS.has(norm)) return 'negation';
  return FUNCTION_WORDS.has(norm) ? 'function' : 'content';
}

/** Tokens of `text`, offsets relative to `text` plus `offset`. */
export function tokenize(text: string, offset = 0): Token[] {
  const clean = text.replace(CITATION, (m) => ' '.repeat(m.length));
  const out: Token[] = [];
  for (const m of clean.matchAll(WORD)) {
    const start = offset + (m.index ?? 0);
    const end = start + m[0].length;
    for (const norm of pieces(m[0])) {
      const kind = kindOf(norm);
      out.push({ norm, stem: kind === 'content' ? lightStem(norm) : norm, kind, start, end });
    }
  }
  return out;
}

/**
 * Negations in `tokens`, each counted once: every cue, except that a French second part ("pas",
 * "jamais", …) within four tokens after a "ne"/"n'" belongs to that "ne".
 */
export function countNegations(tokens: readonly Token[]): number {
  let count = 0;
  let lastNe = -Infinity;
  tokens.forEach((t, i) => {
    if (t.kind !== 'negation') return;
    if (FRENCH_NE.has(t.norm)) {
      lastNe = i;
      count++;
    } else if (FRENCH_NEGATION_TAILS.has(t.norm)) {
      if (i - lastNe > 4) count++;
    } else {
      count++;
    }
  });
  return count;
}

export function analyseSentence(text: string, start: number, end: number, source = 0, position = 0): Sentence {
  const tokens = tokenize(text.slice(start, end), start);
  const content = new Set<string>();
  const numbers = new Map<string, number>();
  for (const t of tokens) {
    if (t.kind === 'content') content.add(t.stem);
    else if (t.kind === 'number') numbers.set(t.norm, (numbers.get(t.norm) ?? 0) + 1);
  }
  return { text: text.slice(start, end), start, end, tokens, content, numbers, negations: countNegations(tokens), source, position };
}

/** The sentences of `text`, analysed; offsets are into `text`; `source` tags them. */
export function analyseText(text: string, source = 0): Sentence[] {
  return splitSentences(text).map((c, i) => analyseSentence(text, c.start, c.end, source, i));
}
