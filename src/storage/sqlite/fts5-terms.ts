import Database from 'better-sqlite3';
import { stemmer } from 'stemmer';

/** The tokenizer of `parts_fts` (migration 002); a test checks the two agree. */
export const FTS5_TOKENIZER = 'porter unicode61 remove_diacritics 2';

/** A token FTS5's porter step leaves alone: under 3 or over 64 bytes. */
const PORTER_MIN_BYTES = 3;
const PORTER_MAX_BYTES = 64;
const STEM_CACHE_ENTRIES = 200_000;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_TOKEN = /[A-Za-z0-9]+/g;

/**
 * The terms the full-text index (`parts_fts`) makes of a text, in any order: what the in-memory
 * lexical index needs to score exactly as FTS5's bm25() does.
 *
 * ASCII text takes a fast path that reproduces `porter unicode61 remove_diacritics 2` exactly
 * there: tokens are runs of ASCII letters and digits, lower-cased, then Porter-stemmed (the
 * `stemmer` package implements the same 1980 algorithm; FTS5 stems tokens of 3 to 64 bytes,
 * digits included; test/storage/fts5-terms.test.ts checks the agreement on the manpages set).
 * Any other text goes through SQLite's own tokenizer, in a private in-memory FTS5 table read back
 * through fts5vocab: unicode61's categories, case folding and Latin-only diacritic removal are not
 * worth imitating (it splits Devanagari at vowel signs, keeps Greek accents, ...).
 */
export class Fts5Terms {
  private readonly stems = new Map<string, string>();
  private scratch: { insert: Database.Statement<[number, string]>; read: Database.Statement<[], [string, number]>; clear: Database.Statement<[]> } | null = null;

  /** Terms of each text, in input order. */
  termsOf(texts: readonly string[]): string[][] {
    const out: string[][] = new Array(texts.length);
    const other: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (ASCII_ONLY.test(text)) out[i] = this.asciiTerms(text);
      else other.push(i);
    }
    if (other.length > 0) {
      const found = this.sqliteTerms(other.map((i) => texts[i]!));
      other.forEach((i, k) => (out[i] = found[k]!));
    }
    return out;
  }

  private asciiTerms(text: string): string[] {
    const tokens = text.match(ASCII_TOKEN);
    if (!tokens) return [];
    for (let i = 0; i < tokens.length; i++) tokens[i] = this.stem(tokens[i]!.toLowerCase());
    return tokens;
  }

  private stem(token: string): string {
    if (token.length < PORTER_MIN_BYTES || token.length > PORTER_MAX_BYTES) return token;
    let s = this.stems.get(token);
    if (s === undefined) {
      s = stemmer(token);
      if (this.stems.size >= STEM_CACHE_ENTRIES) this.stems.clear();
      this.stems.set(token, s);
    }
    return s;
  }

  private sqliteTerms(texts: readonly string[]): string[][] {
    const s = (this.scratch ??= openScratch());
    const out: string[][] = texts.map(() => []);
    texts.forEach((t, i) => s.insert.run(i + 1, t));
    for (const [term, doc] of s.read.iterate()) out[doc - 1]!.push(term);
    s.clear.run();
    return out;
  }
}

function openScratch() {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, content='', contentless_delete=1, tokenize='${FTS5_TOKENIZER}');
           CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`);
  return {
    insert: db.prepare<[number, string]>('INSERT INTO t (rowid, text) VALUES (?, ?)'),
    read: db.prepare<[], [string, number]>('SELECT term, doc FROM v').raw(),
    clear: db.prepare<[]>("INSERT INTO t (t) VALUES ('delete-all')"),
  };
}
