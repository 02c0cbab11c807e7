/**
 * The in-memory lexical index against FTS5 itself: random corpora and random queries, the same
 * matches with the same bm25() scores, in the same order (ties by id), also after parts are
 * removed and others added.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LexicalMemoryIndex, type TermQuery } from '../../../src/retrieval/lexical/memory-index.js';
import { parseLexicalQuery, toFtsMatch } from '../../../src/retrieval/lexical/query-syntax.js';
import { FTS5_TOKENIZER, Fts5Terms } from '../../../src/storage/sqlite/fts5-terms.js';

const VOCABULARY = ['disk', 'disks', 'mount', 'mounting', 'file', 'files', 'system', 'network', 'printer', 'user', 'kernel', 'the', 'of', 'zone', 'résumé'];

interface Part {
  id: number;
  text: string;
  title: string;
}

const words = (min: number, max: number) => fc.array(fc.constantFrom(...VOCABULARY), { minLength: min, maxLength: max }).map((w) => w.join(' '));
// Part texts are never empty (ingestion drops empty parts); FTS5 could not count the removal of a
// row without a single token, since nothing of it is in its index.
const partsArb = fc.array(fc.record({ text: words(1, 12), title: words(0, 3) }), { minLength: 1, maxLength: 40 });
const queryArb = fc.record({
  words: fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 4 }),
  excluded: fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 1 }),
});

const terms = new Fts5Terms();

/** FTS5 over the same parts: the reference. */
class Reference {
  private readonly db = new Database(':memory:');
  constructor() {
    this.db.exec(`CREATE VIRTUAL TABLE f USING fts5(text, title, content='', contentless_delete=1, tokenize='${FTS5_TOKENIZER}')`);
  }
  add(parts: readonly Part[]): void {
    const insert = this.db.prepare('INSERT INTO f (rowid, text, title) VALUES (?, ?, ?)');
    for (const p of parts) insert.run(p.id, p.text, p.title);
  }
  top(match: string, limit: number, titleWeight: number): Array<{ id: number; score: number }> {
    return this.db
      .prepare('SELECT rowid AS id, -bm25(f, 1.0, ?) AS score FROM f WHERE f MATCH ? ORDER BY score DESC, rowid LIMIT ?')
      .all(titleWeight, match, limit) as Array<{ id: number; score: number }>;
  }
}

function indexed(parts: readonly Part[]): Array<{ id: number; text: string[]; title: string[] }> {
  const t = terms.termsOf(parts.flatMap((p) => [p.text, p.title]));
  return parts.map((p, i) => ({ id: p.id, text: t[2 * i]!, title: t[2 * i + 1]! }));
}

function termQuery(q: { words: string[]; excluded: string[] }): { text: string; query: TermQuery } {
  const text = [...q.words, ...q.excluded.map((e) => `-${e}`)].join(' ');
  const parsed = parseLexicalQuery(text);
  const [w, ex] = [parsed.words, parsed.excluded.map((e) => e[0]!)].map((list) => terms.termsOf(list).map((t) => t[0]!));
  return { text, query: { terms: w!, excluded: ex! } };
}

function expectSame(ours: Array<{ id: number; score: number }>, ref: Array<{ id: number; score: number }>): void {
  expect(ours.map((h) => h.id)).toEqual(ref.map((h) => h.id));
  ours.forEach((h, i) => expect(h.score).toBeCloseTo(ref[i]!.score, 9));
}

const version = { parts: 1, vectors: 1 };

function indexOf(parts: readonly Part[]): LexicalMemoryIndex {
  const index = new LexicalMemoryIndex(version);
  index.append(indexed(parts));
  return index;
}

/** The index's best `limit` for the query are FTS5's over `parts`, with the same scores. */
function expectAsFts5(index: LexicalMemoryIndex, parts: readonly Part[], q: { words: string[]; excluded: string[] }, limit: number, titleWeight: number): void {
  const { text, query } = termQuery(q);
  const match = toFtsMatch(parseLexicalQuery(text));
  if (!match) return;
  const ref = new Reference();
  ref.add(parts);
  expectSame(index.search(query, { limit, titleWeight }), ref.top(match, limit, titleWeight));
}

describe('in-memory lexical index', () => {
  it('finds what FTS5 finds, with its bm25() scores and order, for random corpora and queries', () => {
    fc.assert(
      fc.property(partsArb, queryArb, fc.constantFrom(1, 2, 0.5), fc.integer({ min: 1, max: 50 }), (rawParts, q, titleWeight, limit) => {
        const parts = rawParts.map((p, i) => ({ id: 3 * i + 1, ...p }));
        expectAsFts5(indexOf(parts), parts, q, limit, titleWeight);
      }),
      { numRuns: 300 },
    );
  });

  it('prunes without losing any of the best parts: larger corpora, skewed words, small k', () => {
    // Early words are far more common than late ones, as in real text: pruning has work to do.
    const skewed = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 10 }).map((ns) =>
      ns.map((n) => VOCABULARY[Math.floor(Math.sqrt(n) * 1.4)]!).join(' '),
    );
    const bigParts = fc.array(fc.record({ text: skewed, title: fc.constant('') }), { minLength: 100, maxLength: 400 });
    fc.assert(
      fc.property(bigParts, queryArb, fc.integer({ min: 1, max: 5 }), (rawParts, q, limit) => {
        const parts = rawParts.map((p, i) => ({ id: i + 1, ...p }));
        expectAsFts5(indexOf(parts), parts, q, limit, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('stays exact after parts are removed and others appended', () => {
    fc.assert(
      fc.property(partsArb, partsArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), queryArb, (first, second, drop, q) => {
        const a = first.map((p, i) => ({ id: i + 1, ...p }));
        const b = second.map((p, i) => ({ id: 1000 + i, ...p }));
        const index = indexOf(a);
        const kept = a.filter((_, i) => !drop[i]);
        index.retain(kept.map((p) => p.id));
        index.append(indexed(b));
        // FTS5 built afresh from the parts there are: its contentless index keeps counting
        // deleted rows in the averages bm25() uses, a drift the in-memory index does not copy.
        expectAsFts5(index, [...kept, ...b], q, 100, 1);
      }),
      { numRuns: 150 },
    );
  });

  it('scores given parts as a search would, and restricts a search to a mask', () => {
    fc.assert(
      fc.property(partsArb, queryArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (rawParts, q, pick) => {
        const parts = rawParts.map((p, i) => ({ id: 2 * i + 5, ...p }));
        const index = indexOf(parts);
        const { query } = termQuery(q);
        const all = index.search(query, { limit: 1000, titleWeight: 1 });
        const chosen = parts.filter((_, i) => pick[i]).map((p) => p.id);
        const byId = new Map(all.map((h) => [h.id, h.score]));
        const scored = index.scoreParts(query, chosen, 1);
        expect(scored.map((h) => h.id)).toEqual(chosen.filter((id) => byId.has(id)));
        for (const h of scored) expect(h.score).toBe(byId.get(h.id));
        const masked = index.search(query, { limit: 1000, titleWeight: 1, allowed: index.mask('k', chosen) });
        expect(masked).toEqual(all.filter((h) => chosen.includes(h.id)));
      }),
      { numRuns: 200 },
    );
  });

  it('counts document frequencies over the parts it holds', () => {
    const index = new LexicalMemoryIndex(version);
    index.append(indexed([{ id: 1, text: 'disk disks', title: '' }, { id: 2, text: 'mount', title: 'Disk' }, { id: 3, text: 'zone', title: '' }]));
    expect(index.documentFrequency('disk')).toBe(2);
    index.retain([2, 3]);
    expect(index.documentFrequency('disk')).toBe(1);
    expect(index.documentFrequency('nothing')).toBe(0);
  });
});
