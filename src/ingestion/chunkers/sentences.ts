/**
 * Sentence splitting on top of the platform's ICU sentence segmenter (Intl.Segmenter), with two
 * additions ICU does not give us through Intl:
 *  - a short list of abbreviations that precede a capitalised word ("Dr. Smith", "e.g. Paris") is
 *    not allowed to end a sentence (V8 exposes no ICU sentence-break suppressions);
 *  - over-long "sentences" (no end punctuation for pages) are split into pieces of at most
 *    `maxChars`, preferring whitespace, then word boundaries (which ICU finds in CJK and Thai text
 *    too), then grapheme boundaries, so that a piece never ends inside a surrogate pair.
 * Long texts are segmented in windows, as V8's segmenters are quadratic (see sentenceSegments).
 *
 * Contract of every returned chunk: `text === source.slice(start, end)`, it is non-empty, it neither
 * starts nor ends with whitespace (as `String.prototype.trim` defines it), chunks are in order and do
 * not overlap, and what lies between them (and before the first / after the last) is whitespace
 * only. Offsets and lengths are in UTF-16 code units, as JavaScript strings index.
 */

/** A piece of a source text with its position: `text === source.slice(start, end)`. */
export interface Chunk {
  text: string;
  start: number;
  end: number;
}

export interface SentenceOptions {
  /** BCP 47 language hint for the segmenter (e.g. "en", "ja"); invalid tags fall back to root. */
  language?: string;
  /** Hard cap on a sentence's length; longer sentences are split. At least 2 (a surrogate pair). */
  maxChars?: number;
}

/** Sentences longer than this (when no other cap is given) are split at whitespace. */
export const DEFAULT_MAX_SENTENCE_CHARS = 2000;

type Granularity = 'sentence' | 'word' | 'grapheme';

const segmenterCache = new Map<string, Intl.Segmenter>();
const MAX_CACHED_SEGMENTERS = 64;

/** Segmenters are costly to build; cache them per (granularity, language). */
function segmenter(granularity: Granularity, language: string | undefined): Intl.Segmenter {
  const key = `${granularity}|${language ?? ''}`;
  const cached = segmenterCache.get(key);
  if (cached) return cached;
  let created: Intl.Segmenter;
  try {
    // 'und' (root) rather than the process default locale, so results do not depend on $LANG.
    created = new Intl.Segmenter(language ?? 'und', { granularity });
  } catch {
    created = new Intl.Segmenter('und', { granularity });
  }
  // Language hints come from user input: bound the cache rather than grow it forever.
  if (segmenterCache.size < MAX_CACHED_SEGMENTERS) segmenterCache.set(key, created);
  return created;
}

const WHITESPACE = /\s/;
const isSpaceAt = (text: string, i: number): boolean => WHITESPACE.test(text.charAt(i));

/**
 * Words after which ICU would end a sentence when a capitalised word follows, but which in
 * practice almost never end one. Kept short on purpose: "etc.", "Inc.", "St." or "U.S." often do
 * end sentences, and a wrong merge is worse than a wrong split. Digits after "Fig." or "No." are
 * already handled by ICU.
 */
const NON_TERMINAL_ABBREVIATION =
  /(?:^|[\s("'[])(?:mr|mrs|ms|mx|dr|prof|rev|hon|gen|col|capt|lt|sgt|gov|sen|rep|mt|e\.g|i\.e|cf|vs|viz|approx)\.$/i;

/** Sentences of `text` (see the file comment for the contract). */
export function splitSentences(text: string, options: SentenceOptions = {}): Chunk[] {
  const maxChars = options.maxChars ?? DEFAULT_MAX_SENTENCE_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 2) {
    throw new RangeError(`maxChars must be an integer of at least 2, got ${maxChars}`);
  }
  const spans: Array<[number, number]> = [];
  let mergeWithNext = false;
  for (const [segmentStart, segmentEnd] of sentenceSegments(text, options.language)) {
    let start = segmentStart;
    let end = segmentEnd;
    while (start < end && isSpaceAt(text, start)) start++;
    while (end > start && isSpaceAt(text, end - 1)) end--;
    if (start === end) continue;
    const last = spans[spans.length - 1];
    if (mergeWithNext && last) last[1] = end;
    else spans.push([start, end]);
    mergeWithNext = NON_TERMINAL_ABBREVIATION.test(text.slice(Math.max(start, end - 12), end));
  }
  const out: Chunk[] = [];
  for (const [start, end] of spans) splitLongSpan(text, start, end, maxChars, options.language, out);
  return out;
}

/**
 * V8's segment iterators cost time proportional to the whole string at every step, so iterating a
 * long text is quadratic (a 500 KB text took about a minute). We therefore segment windows of the
 * text and keep only the boundaries that lie at least SEGMENT_MARGIN before a window's edge (ICU
 * looks ahead only over spaces and punctuation to place a sentence boundary); the next window
 * starts at the last kept boundary. A window with no such boundary is doubled, up to
 * SEGMENT_WINDOW_MAX; a "sentence" longer than that is cut at its last whitespace, which only
 * matters for texts that no sentence-sized cap would keep whole anyway.
 */
const SEGMENT_WINDOW = 2048;
const SEGMENT_WINDOW_MAX = 65_536;
const SEGMENT_MARGIN = 256;

/**
 * [start, end) of each ICU sentence segment of `text`, trailing whitespace included, in linear
 * time. The boundaries are those of segmenting the whole text at once (a property test checks
 * this), barring ICU look-aheads longer than SEGMENT_MARGIN. Exported for tests.
 */
export function* sentenceSegments(text: string, language: string | undefined): Generator<[number, number]> {
  const sentences = segmenter('sentence', language);
  let base = 0;
  let window = SEGMENT_WINDOW;
  while (base < text.length) {
    const windowEnd = Math.min(text.length, base + window);
    const last = windowEnd === text.length;
    let next = base;
    for (const { index, segment } of sentences.segment(text.slice(base, windowEnd))) {
      const end = base + index + segment.length;
      if (!last && end > windowEnd - SEGMENT_MARGIN) break;
      yield [base + index, end];
      next = end;
    }
    if (next > base) {
      base = next;
      window = SEGMENT_WINDOW;
    } else if (window < SEGMENT_WINDOW_MAX) {
      window *= 2;
    } else {
      let cut = windowEnd - SEGMENT_MARGIN;
      while (cut > base && !isSpaceAt(text, cut - 1)) cut--;
      if (cut === base) cut = safeCut(text, windowEnd - SEGMENT_MARGIN);
      yield [base, cut];
      base = cut;
      window = SEGMENT_WINDOW;
    }
  }
}

/**
 * Appends `text[start, end)` to `out` as pieces of at most `maxChars` code units. The span must
 * start and end with non-whitespace; so does every piece.
 */
export function splitLongSpan(
  text: string,
  start: number,
  end: number,
  maxChars: number,
  language: string | undefined,
  out: Chunk[],
): void {
  let s = start;
  while (end - s > maxChars) {
    const limit = s + maxChars; // the piece is text[s, cut) with cut <= limit
    let cut = limit;
    while (cut > s && !isSpaceAt(text, cut)) cut--;
    let next: number;
    if (cut > s) {
      next = cut;
      while (cut > s && isSpaceAt(text, cut - 1)) cut--;
      while (next < end && isSpaceAt(text, next)) next++;
    } else {
      cut = boundaryCut(text, s, limit, end, language);
      next = cut;
    }
    out.push({ text: text.slice(s, cut), start: s, end: cut });
    s = next;
  }
  out.push({ text: text.slice(s, end), start: s, end });
}

/**
 * The last word boundary in (s, limit], else the last grapheme boundary, else `limit` moved off
 * the middle of a surrogate pair. `text[s, limit]` holds no whitespace when this is called. Only
 * the last BOUNDARY_LOOKBACK characters before the limit are searched (see sentenceSegments on
 * why windows stay small); a "word" longer than that is cut at a grapheme boundary.
 */
function boundaryCut(text: string, s: number, limit: number, end: number, language: string | undefined): number {
  const from = Math.max(s, limit - BOUNDARY_LOOKBACK);
  // A little context past the limit so the segmenter sees how the word at the limit goes on.
  const window = text.slice(from, Math.min(end, limit + 32));
  for (const granularity of ['word', 'grapheme'] as const) {
    let best = 0;
    for (const { index } of segmenter(granularity, language).segment(window)) {
      if (index > limit - from) break;
      best = index;
    }
    if (best > 0) return from + best;
  }
  return safeCut(text, limit);
}

const BOUNDARY_LOOKBACK = 256;

/** `at`, or one less when `at` would separate the halves of a surrogate pair. */
function safeCut(text: string, at: number): number {
  const high = text.charCodeAt(at - 1);
  const low = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? at - 1 : at;
}
