/**
 * The terms the in-memory lexical index gets for a text are the ones FTS5 stores for it: the
 * ASCII fast path against FTS5 itself on the whole manpages set, and other scripts (which go
 * through SQLite's tokenizer) on samples where unicode61 behaves in ways worth pinning.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { m002Documents } from '../../../src/storage/sqlite/migrations/002-documents.js';
import { FTS5_TOKENIZER, Fts5Terms } from '../../../src/storage/sqlite/fts5-terms.js';

const MANPAGES = new URL('../../../../shared/datasets/manpages/docs.jsonl', import.meta.url);

/** Each text's terms as FTS5 indexes them, sorted. */
function fts5Reference(texts: readonly string[]): string[][] {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(text, content='', tokenize='${FTS5_TOKENIZER}');
           CREATE VIRTUAL TABLE v USING fts5vocab(f, instance);`);
  const insert = db.prepare('INSERT INTO f (rowid, text) VALUES (?, ?)');
  texts.forEach((t, i) => insert.run(i + 1, t));
  const out: string[][] = texts.map(() => []);
  for (const [term, doc] of db.prepare('SELECT term, doc FROM v').raw().iterate() as Iterable<[string, number]>) out[doc - 1]!.push(term);
  db.close();
  return out.map((terms) => terms.sort());
}

const sorted = (lists: string[][]): string[][] => lists.map((l) => [...l].sort());

describe('FTS5 terms', () => {
  it('uses the tokenizer the full-text index was created with', () => {
    expect(m002Documents.sql).toContain(`tokenize='${FTS5_TOKENIZER}'`);
  });

  it('gives exactly the terms FTS5 stores, over every text and title of the manpages set', () => {
    const pages = readFileSync(MANPAGES, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { title: string; text: string });
    const texts = pages.flatMap((p) => [p.text, p.title]);
    // Both paths are exercised: most of the set is ASCII, some pages are not.
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
    const ours = sorted(new Fts5Terms().termsOf(texts));
    expect(ours).toEqual(fts5Reference(texts));
  });

  it('stems as FTS5 does: digits count as consonants, tokens of 3 to 64 bytes', () => {
    const texts = ['md5sums py3versions 275ms addr2line', 'running runs ran', 'ab abs', `${'x'.repeat(64)}ing ${'x'.repeat(62)}ing`];
    expect(sorted(new Fts5Terms().termsOf(texts))).toEqual(fts5Reference(texts));
  });

  it('leaves other scripts to SQLite: accents folded on Latin letters only, Devanagari split at vowel signs', () => {
    const texts = ['Große Straße, Café naïve ÉCOLE', 'ΆΛΦΑ άλφα ёлка Москва', 'हिन्दी भाषा', 'e\u0301te\u0301 İstanbul 東京', 'plain ascii then ü'];
    const ours = sorted(new Fts5Terms().termsOf(texts));
    expect(ours).toEqual(fts5Reference(texts));
    expect(ours[0]).toContain('groß');
    expect(ours[1]).toContain('άλφα');
  });

  it('keeps the order of its input when ASCII and other texts are mixed', () => {
    const terms = new Fts5Terms().termsOf(['zebra', 'größe', 'yak', '']);
    expect(terms.map((t) => t.length)).toEqual([1, 1, 1, 0]);
    expect(terms[0]).toEqual(['zebra']);
    expect(terms[2]).toEqual(['yak']);
  });
});
