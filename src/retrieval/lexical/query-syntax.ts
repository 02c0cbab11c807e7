import { STOP_WORDS } from './stop-words.js';

/**
 * The lexical side of a query's text, as Vectara's keyword search reads it:
 *
 *   plain words        any of them may match (OR); ranking rewards the rarer ones (BM25)
 *   "quoted phrase"    the words in this order, next to each other
 *   word*              any word starting with `word`
 *   -word / -"phrase"  parts containing it are left out
 *
 * Words are runs of letters and digits (Unicode), lower-cased; everything else separates them,
 * as the full-text index's tokenizer does. Common English function words are dropped from plain
 * words unless nothing else is left.
 */
export interface LexicalQuery {
  /** Plain words, in query order, without duplicates (what a re-ranker may look for). */
  words: string[];
  phrases: string[][];
  prefixes: string[];
  excluded: string[][];
}

const WORD = /[\p{L}\p{N}]+/gu;
const TOKEN = /(-?)"([^"]*)"?|(-?)(\S+)/gu;

const wordsOf = (text: string): string[] => (text.toLowerCase().match(WORD) ?? []);

export function parseLexicalQuery(text: string): LexicalQuery {
  const plain: string[] = [];
  const phrases: string[][] = [];
  const prefixes: string[] = [];
  const excluded: string[][] = [];
  for (const m of text.matchAll(TOKEN)) {
    const [, negQuoted, quoted, negBare, bare] = m;
    if (quoted !== undefined) {
      const words = wordsOf(quoted);
      if (words.length > 0) (negQuoted ? excluded : phrases).push(words);
      continue;
    }
    const token = bare ?? '';
    const words = wordsOf(token);
    if (words.length === 0) continue;
    if (negBare) excluded.push(words);
    else if (token.endsWith('*') && words.length === 1) prefixes.push(words[0]!);
    else plain.push(...words);
  }
  const unique = [...new Set(plain)];
  const content = unique.filter((w) => !STOP_WORDS.has(w));
  return { words: content.length > 0 || phrases.length > 0 || prefixes.length > 0 ? content : unique, phrases, prefixes, excluded };
}

/** FTS5 string literal: double quotes, inner quotes doubled; the tokenizer splits it as usual. */
const literal = (words: readonly string[]): string => `"${words.join(' ').replaceAll('"', '""')}"`;

/**
 * The FTS5 MATCH expression for a parsed query, or null when nothing can match (no positive
 * term: FTS5 cannot express "everything except").
 */
export function toFtsMatch(q: LexicalQuery): string | null {
  const positive = [
    ...q.words.map((w) => literal([w])),
    ...q.phrases.map((p) => literal(p)),
    ...q.prefixes.map((p) => `${literal([p])}*`),
  ];
  if (positive.length === 0) return null;
  const any = positive.length === 1 ? positive[0]! : `(${positive.join(' OR ')})`;
  return [any, ...q.excluded.map((e) => `NOT ${literal(e)}`)].join(' ');
}
