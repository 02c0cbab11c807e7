/**
 * The built-in hallucination corrector: lexical, like the built-in consistency scorer, whose
 * sentence checks (consistency/support.ts) it shares, so that what it keeps is what the scorer
 * calls supported. Each sentence of the generated text is
 *  - kept when the sources support it (a word found only in another source sentence is tolerated,
 *    unless it stands where its closest source sentence has another word: then it is rewritten);
 *  - rewritten when it follows one source sentence closely (at least half its words) and what is
 *    wrong sits in a few short spans (a number, a negation, a swapped word): those spans take the
 *    source's wording, the rest of the sentence (citation markers included) stays as written, and
 *    the result must pass the check again;
 *  - removed otherwise.
 * The optional query is not used: a sentence is judged against the sources alone.
 */
import { checkSentence, indexSources, type SentenceCheck, type SourceIndex } from '../consistency/support.js';
import { analyseSentence, analyseText, type Sentence, type Token } from '../consistency/text.js';
import type { Correction, CorrectionOutcome, HallucinationCorrector } from '../types.js';
import { diffTokens, type Hunk } from './token-diff.js';

/** Share of a sentence's claims its source sentence must hold for a rewrite rather than a removal. */
const MIN_OVERLAP_FOR_REWRITE = 0.5;
/** A sentence needing more spans changed than this is not "close" to its source: removed. */
const MAX_HUNKS = 3;
/** Nor is one where a span to change is longer than this, in words, on either side. */
const MAX_HUNK_TOKENS = 4;
/** Nor one whose words outside the spans to change are less than this share of it. */
const MIN_KEPT_SHARE = 2 / 3;

export class BuiltinHallucinationCorrector implements HallucinationCorrector {
  readonly name = 'quarry-lexical-corrector';

  async correct(generated: string, sources: readonly string[], _query?: string): Promise<CorrectionOutcome> {
    return correctText(generated, sources);
  }
}

interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/** The synchronous core of BuiltinHallucinationCorrector.correct. */
export function correctText(generated: string, sources: readonly string[]): CorrectionOutcome {
  const index = indexSources(sources);
  const corrections: Correction[] = [];
  const edits: Edit[] = [];
  for (const sentence of analyseText(generated)) {
    if (sentence.content.size + sentence.numbers.size + sentence.negations === 0) continue; // nothing to check
    const check = checkSentence(sentence, index);
    if (check.supported && check.displacedWords.length === 0) continue;
    const rewrite = tryRewrite(check, index);
    // A supported sentence with a word from another source sentence is kept unless that word took
    // the place of another in its closest source sentence (a fact carried over from elsewhere).
    if (!rewrite && check.supported) continue;
    if (rewrite) {
      corrections.push({ original_text: sentence.text, corrected_text: rewrite.text, explanation: rewrite.explanation });
      edits.push({ start: sentence.start, end: sentence.end, replacement: rewrite.text });
    } else {
      corrections.push({ original_text: sentence.text, corrected_text: '', explanation: removalReason(check) });
      edits.push(removal(generated, sentence));
    }
  }
  let corrected = generated;
  for (const e of edits.sort((a, b) => b.start - a.start)) corrected = corrected.slice(0, e.start) + e.replacement + corrected.slice(e.end);
  return { corrected_text: corrected, corrections };
}

/** Removes a sentence with the whitespace after it (before it, when it is the last). */
function removal(text: string, s: Sentence): Edit {
  let end = s.end;
  while (end < text.length && /\s/.test(text.charAt(end))) end++;
  let start = s.start;
  if (end === text.length) while (start > 0 && /\s/.test(text.charAt(start - 1))) start--;
  return { start, end, replacement: '' };
}

/** Does the hunk touch what the check found wrong? Only those hunks are rewritten. */
function isFaulty(h: Hunk, gen: readonly Token[], src: readonly Token[], check: SentenceCheck): boolean {
  const wrongWords = new Set([...check.unsupportedWords, ...check.antonyms.map((a) => a.word)]);
  const wrongNumbers = new Set(check.numberIssues.map((x) => x.value));
  const genSide = gen.slice(h.genFrom, h.genTo);
  const srcSide = src.slice(h.srcFrom, h.srcTo);
  if (genSide.some((t) => wrongWords.has(t.stem) || wrongNumbers.has(t.norm))) return true;
  // A word found only elsewhere in the sources counts when it replaced a source word here.
  const displaced = new Set(check.displacedWords);
  if (genSide.some((t) => displaced.has(t.stem)) && srcSide.some((t) => t.kind === 'content')) return true;
  if (check.negation === 'inserted' && genSide.some((t) => t.kind === 'negation')) return true;
  // A dropped negation shows as a source-side negation between matched words.
  const interior = h.genFrom > 0 && h.genTo < gen.length;
  return check.negation === 'removed' && interior && srcSide.some((t) => t.kind === 'negation');
}

function tryRewrite(check: SentenceCheck, index: SourceIndex): { text: string; explanation: string } | undefined {
  const { sentence, aligned } = check;
  if (!aligned || check.overlap < MIN_OVERLAP_FOR_REWRITE) return undefined;
  const gen = sentence.tokens;
  const src = aligned.tokens;
  const faulty = diffTokens(gen, src).filter((h) => isFaulty(h, gen, src, check));
  if (faulty.length === 0 || faulty.length > MAX_HUNKS) return undefined;
  if (faulty.some((h) => h.genTo - h.genFrom > MAX_HUNK_TOKENS || h.srcTo - h.srcFrom > MAX_HUNK_TOKENS)) return undefined;
  const changed = faulty.reduce((n, h) => n + h.genTo - h.genFrom, 0);
  if (gen.length - changed < MIN_KEPT_SHARE * gen.length) return undefined;

  let text = sentence.text;
  const reasons: string[] = [];
  for (const h of [...faulty].reverse()) {
    const g = region(sentence, gen, h.genFrom, h.genTo);
    const s = region(aligned, src, h.srcFrom, h.srcTo);
    text = text.slice(0, g.start - sentence.start) + aligned.text.slice(s.start - aligned.start, s.end - aligned.start) + text.slice(g.end - sentence.start);
    reasons.unshift(explain(sentence, gen, aligned, src, h));
  }
  // The rewrite must itself pass: otherwise the sentence was further from its source than it looked.
  const recheck = checkSentence(analyseSentence(text, 0, text.length), index);
  if (!recheck.supported) return undefined;
  return { text, explanation: reasons.join(' ') };
}

/**
 * The stretch of the sentence a hunk covers: from the end of the matched word before it to the
 * start of the matched word after it (so spacing comes with the words), or from / to the hunk's own
 * words at the sentence's edges (so trailing citation markers and punctuation stay).
 */
function region(s: Sentence, tokens: readonly Token[], from: number, to: number): { start: number; end: number } {
  const before = tokens[from - 1];
  const after = tokens[to];
  const start = before ? before.end : (tokens[from]?.start ?? after?.start ?? s.start);
  const end = after ? after.start : (tokens[to - 1]?.end ?? before?.end ?? s.end);
  return { start, end: Math.max(start, end) };
}

/** Surface text of tokens [from, to) widened by one matched word on each side, for explanations. */
function phrase(s: Sentence, tokens: readonly Token[], from: number, to: number): string {
  const first = tokens[Math.max(0, from - 1)];
  const last = tokens[Math.min(tokens.length, to + 1) - 1];
  if (!first || !last) return '';
  return s.text.slice(first.start - s.start, last.end - s.start);
}

function explain(sentence: Sentence, gen: readonly Token[], aligned: Sentence, src: readonly Token[], h: Hunk): string {
  const genSide = gen.slice(h.genFrom, h.genTo);
  const srcSide = src.slice(h.srcFrom, h.srcTo);
  const next = gen[h.genTo];
  // A lone number for a number: "The sources say 3 retries, not 5."
  if (genSide.length === 1 && srcSide.length === 1 && genSide[0]!.kind === 'number' && srcSide[0]!.kind === 'number') {
    const unit = next && next.kind !== 'number' ? ` ${sentence.text.slice(next.start - sentence.start, next.end - sentence.start)}` : '';
    return `The sources say ${aligned.text.slice(srcSide[0]!.start - aligned.start, srcSide[0]!.end - aligned.start)}${unit}, not ${sentence.text.slice(genSide[0]!.start - sentence.start, genSide[0]!.end - sentence.start)}.`;
  }
  const said = phrase(aligned, src, h.srcFrom, h.srcTo);
  const written = phrase(sentence, gen, h.genFrom, h.genTo);
  if (genSide.some((t) => t.kind === 'negation') && !srcSide.some((t) => t.kind === 'negation')) {
    return `The sources do not negate this: they say "${said}", not "${written}".`;
  }
  if (srcSide.some((t) => t.kind === 'negation') && !genSide.some((t) => t.kind === 'negation')) {
    return `The sources state the opposite: they say "${said}", not "${written}".`;
  }
  return `The sources say "${said}", not "${written}".`;
}

/** Why a sentence is removed, naming what the sources lack where that is clear. */
function removalReason(check: SentenceCheck): string {
  const surface = (stems: readonly string[]) =>
    stems.map((stem) => check.sentence.tokens.find((t) => t.stem === stem)).filter((t): t is Token => t !== undefined)
      .map((t) => `"${check.sentence.text.slice(t.start - check.sentence.start, t.end - check.sentence.start)}"`);
  if (!check.aligned) return 'No source supports this sentence.';
  const details: string[] = [];
  const missing = surface(check.unsupportedWords.slice(0, 3));
  if (missing.length) details.push(`the sources never mention ${missing.join(', ')}`);
  if (check.numberIssues.length) details.push(`the sources do not give ${check.numberIssues.map((x) => x.value).join(', ')} here`);
  if (check.negation === 'inserted') details.push('the sources do not negate this');
  if (check.negation === 'removed') details.push('the sources state the opposite');
  if (check.antonyms.length) {
    const sourceTokens = [check.aligned, ...check.extra].flatMap((s) => s.tokens.map((t) => ({ t, s })));
    const words = check.antonyms.map((a) => {
      const hit = sourceTokens.find(({ t }) => t.stem === a.sourceWord);
      return `"${hit ? hit.s.text.slice(hit.t.start - hit.s.start, hit.t.end - hit.s.start) : a.sourceWord}"`;
    });
    details.push(`the sources say ${words.join(', ')} instead`);
  }
  return details.length ? `No source supports this sentence: ${details.join('; ')}.` : 'No source supports this sentence.';
}
