import { splitSentences } from '../../ingestion/chunkers/sentences.js';
import { UNSPACED_SCRIPT, words, type TermAnalyser } from './terms.js';

/**
 * The sentences an extractive answer may quote: every sentence of every result, with its terms
 * and a judgement of how well it reads on its own.
 *
 * Contract: `text` is trimmed, non-empty and equal to
 * `results[result].text.slice(start, start + text.length)`, so quoting it can never invent text.
 */
export interface Candidate {
  /** Index into the results; the sentence is cited as `[result + 1]`. */
  result: number;
  /** The result's document: several results (parts) may come from one. */
  document: string;
  /** Order of the sentence within its result (0 = first). */
  position: number;
  /** Order among all candidates: results in order, then sentences in text order. */
  ordinal: number;
  /** Offset of `text` in its result's text. */
  start: number;
  text: string;
  terms: ReadonlySet<string>;
  /** In (0, 1]: 1 for a plain prose sentence, lower for headings, fragments, tables, run-ons. */
  quality: number;
}

/**
 * A "sentence" without end punctuation (a flattened option table, a log line) is cut into pieces
 * no longer than this, so that even an answer that falls back on one stays readable.
 */
const MAX_SENTENCE_CHARS = 800;

export function candidateSentences(
  results: ReadonlyArray<{ text: string; document_id: string }>,
  language: string,
  analyser: TermAnalyser,
): Candidate[] {
  const out: Candidate[] = [];
  results.forEach((r, result) => {
    if (typeof r.text !== 'string' || r.text.length === 0) return;
    splitSentences(r.text, { language, maxChars: MAX_SENTENCE_CHARS }).forEach((s, position) => {
      const ws = words(s.text);
      out.push({
        result,
        document: r.document_id,
        position,
        ordinal: out.length,
        start: s.start,
        text: s.text,
        terms: new Set(analyser.termsOfWords(ws)),
        quality: sentenceQuality(s.text, ws.length),
      });
    });
  });
  return out;
}

/** Longer than this, a sentence is more than an answer wants to quote. */
const LONG_SENTENCE_CHARS = 400;

const ENDS_LIKE_PROSE = /[.!?…。！？:;)"'’”»」』]$/u;
const SYMBOL = /[^\p{L}\p{M}\p{N}\s]/gu;
const OPTION = /(?:^|\s)--?[\p{L}\p{N}]/gu;
const PLACEHOLDER = /<[^<>\s]{1,40}>/g;
const COLUMN_GAP = /\t| {3,}|\|/g;
/**
 * English openings that lean on the sentence before ("It usually contains…", "This option…"):
 * quoted without it, such a sentence dangles. Other languages simply never match.
 */
const LEANS_ON_PREVIOUS = /^(?:it|its|this|these|those|they|their|that|such|he|she|also|however|otherwise|then)\b/i;
/** The citation formatter would take a quoted "[3]" for one of ours. */
const CITATION_LIKE = /\[\d+\]/;

/**
 * How well a sentence reads as part of an answer, as a multiplier of its score. Penalties rather
 * than exclusions: when the only sentences that match a question are poor ones, one is still
 * better than no answer. Each factor is a rough judgement; they multiply when several apply.
 */
export function sentenceQuality(text: string, wordCount = words(text).length): number {
  let q = 1;
  const unspaced = UNSPACED_SCRIPT.test(text);

  const fragment = unspaced ? text.length < 8 : wordCount < 4 || text.length < 20;
  if (fragment) q *= 0.4;
  // A heading: short and unpunctuated ("OPTIONS", "Remote shell usage"), or shouted.
  const heading = (!ENDS_LIKE_PROSE.test(text) && (unspaced ? text.length <= 20 : wordCount <= 8)) || isShouted(text);
  if (heading) q *= 0.35;
  // Code, paths, option tables: much punctuation, many options, or column gaps.
  if ((text.match(SYMBOL)?.length ?? 0) / text.length > 0.2) q *= 0.4;
  // Options and <placeholders>: one is prose mentioning a flag, several are a synopsis or table row.
  const codeMarks = (text.match(OPTION)?.length ?? 0) + (text.match(PLACEHOLDER)?.length ?? 0);
  if (codeMarks >= 2) q *= codeMarks >= 4 ? 0.35 : 0.6;
  if ((text.match(COLUMN_GAP)?.length ?? 0) >= 2) q *= 0.5;
  if (text.length > LONG_SENTENCE_CHARS) q *= 0.4;
  if (LEANS_ON_PREVIOUS.test(text)) q *= 0.75;
  if (CITATION_LIKE.test(text)) q *= 0.2;
  return Math.max(q, 0.01);
}

const LOWER_CASE = /\p{Ll}/u;
const FOUR_CAPITALS = /\p{Lu}(?:[^\p{Lu}]*\p{Lu}){3}/u;

/** A short line with capitals and no small letters ("DESCRIPTION", "SEE ALSO"). */
function isShouted(text: string): boolean {
  return text.length <= 80 && !LOWER_CASE.test(text) && FOUR_CAPITALS.test(text);
}
