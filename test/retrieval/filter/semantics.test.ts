/**
 * Concrete semantics, each case run through both the compiled SQL on a real SQLite database and
 * the in-memory evaluator (support.ts asserts they agree).
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/retrieval/filter/index.js';
import type { FilterAttributeRecord } from '../../../src/storage/types.js';
import { ATTRIBUTES, ODD_NAME, check, createHarness, type TestRow } from './support.js';

const h = createHarness();

const ROWS: TestRow[] = [
  /* 0 */ { docId: 'a', docMetadata: { n: 1, r: 1.5, t: 'x', b: true, tags: ['x', 'y'], nums: [1, 2] }, partLang: 'eng', partIsTitle: true },
  /* 1 */ { docId: 'b', docMetadata: { n: 2, r: 0.5, t: 'y', b: false, tags: [], nums: [3] }, partLang: 'deu', partIsTitle: false },
  /* 2 */ { docId: 'c', docMetadata: {}, partMetadata: { pn: 7 } },
  /* 3 */ { docId: 'd', docMetadata: { n: null, t: null, b: null, tags: null } },
  /* 4 */ { docId: 'e', docMetadata: { n: '1', t: 1, b: 1, tags: 'x', nums: ['1', 1.0, null, true] } },
  /* 5 */ { docId: "it's", docMetadata: { t: 'X', [ODD_NAME]: 'odd', 'odd': 'plain' } },
];

const matches = (text: string, rows = ROWS) => h.matches(check(text), rows);

describe('filter semantics (SQLite and evaluator)', () => {
  it('compares numbers, text and booleans as stored in JSON', () => {
    expect(matches('doc.n = 1')).toEqual([0]);
    expect(matches('doc.n >= 1.5')).toEqual([1]);
    expect(matches('doc.r < 1')).toEqual([1]);
    expect(matches("doc.t = 'x'")).toEqual([0]);
    expect(matches("doc.t < 'y'")).toEqual([0, 5]);
    expect(matches('doc.b = true')).toEqual([0]);
    expect(matches('doc.b = false')).toEqual([1]);
    expect(matches('doc.b')).toEqual([0]);
    expect(matches('doc.b != true')).toEqual([1]);
  });

  it('treats missing, null and wrongly typed values as unknown (three-valued logic)', () => {
    expect(matches('doc.n != 1')).toEqual([1]);
    expect(matches('NOT doc.n = 1')).toEqual([1]);
    expect(matches('doc.n IS NULL')).toEqual([2, 3, 4, 5]);
    expect(matches('doc.n IS NOT NULL')).toEqual([0, 1]);
    expect(matches('doc.n = 1 OR doc.n IS NULL')).toEqual([0, 2, 3, 4, 5]);
    expect(matches('NOT (doc.n = 1 AND doc.b)')).toEqual([1]);
    expect(matches('doc.n = null')).toEqual([]);
    expect(matches('NOT (doc.n = null)')).toEqual([]);
    expect(matches('null IS NULL')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matches('true OR null')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matches('false OR null')).toEqual([]);
  });

  it('is case-sensitive on text', () => {
    expect(matches("doc.t = 'X'")).toEqual([5]);
    expect(matches("doc.t IN ('x', 'X')")).toEqual([0, 5]);
  });

  it('does floating-point arithmetic, with division by zero unknown', () => {
    expect(matches('doc.n / 2 = 0.5')).toEqual([0]);
    expect(matches('doc.n % 2 = 0')).toEqual([1]);
    expect(matches('doc.r % 1 = 0.5')).toEqual([0, 1]);
    expect(matches('-doc.n = -2')).toEqual([1]);
    expect(matches('doc.n * 10 - doc.r > 18')).toEqual([1]);
    expect(matches('doc.n / 0 IS NULL')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matches('doc.n % 0 = 0 OR doc.n / (doc.n - doc.n) > 0')).toEqual([]);
    expect(matches('0.1 + 0.2 = 0.3')).toEqual([]);
    expect(matches('1e308 * 10 > 1e308')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matches('1e308 * 10 - 1e308 * 10 IS NULL')).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads the built-ins from their columns', () => {
    expect(matches("doc.id = 'a'")).toEqual([0]);
    expect(matches("doc.id = 'it''s'")).toEqual([5]);
    expect(matches("part.lang IN ('eng', 'deu')")).toEqual([0, 1]);
    expect(matches('part.is_title = true')).toEqual([0]);
    expect(matches('part.is_title = false')).toEqual([1]);
    expect(matches('part.is_title <> true')).toEqual([1]);
    expect(matches('part.is_title IS NULL')).toEqual([2, 3, 4, 5]);
    expect(matches('part.pn = 7')).toEqual([2]);
  });

  it('tests list attributes by membership', () => {
    expect(matches("doc.tags = 'x'")).toEqual([0]);
    expect(matches("'y' = doc.tags")).toEqual([0]);
    expect(matches("'x' IN doc.tags")).toEqual([0]);
    expect(matches("doc.t IN ('q', doc.tags)")).toEqual([0]);
    expect(matches("doc.tags IN ('y', 'z')")).toEqual([0]);
    expect(matches("doc.tags != 'x'")).toEqual([1]);
    expect(matches("doc.tags NOT IN ('x')")).toEqual([1]);
    expect(matches('doc.tags IS NULL')).toEqual([2, 3, 4, 5]);
    expect(matches('doc.nums = 1')).toEqual([0, 4]);
    expect(matches('doc.nums IN (3, 4)')).toEqual([1]);
    expect(matches('2 IN doc.nums')).toEqual([0]);
    expect(matches('doc.n IN (doc.nums)')).toEqual([0]);
    // Some element equals null: unknown for a non-empty list, false for an empty one (no element
    // at all), so "no element equals null" holds for the empty list only, as `NOT IN ()` in SQL.
    expect(matches("doc.tags = null OR doc.tags != null")).toEqual([1]);
  });

  it('finds attributes whose names hold dots and quotes, and only those', () => {
    expect(matches(`doc."${ODD_NAME.replaceAll('"', '""')}" = 'odd'`)).toEqual([5]);
    const names = ['a.b', 'a', 'b', 'a"b', "a'b", 'a\\b', 'a b', '$', '[0]', 'é', '😀', 'line\nbreak', 'nul\u0000x', ''];
    const attributes: FilterAttributeRecord[] = names.map((name) => ({ name, level: 'document', type: 'integer', indexed: true }));
    const rows: TestRow[] = names.map((name, i) => ({ docId: `d${i}`, docMetadata: { [name]: i, a: { b: -1 } } }));
    names.forEach((name, i) => {
      const filter = check(`doc."${name.replaceAll('"', '""')}" IS NOT NULL`, attributes);
      const expected = name === 'a' ? [] : [i];
      expect(h.matches(filter, rows), JSON.stringify(name)).toEqual(expected);
    });
  });

  it('passes every value as a parameter, never in the SQL text', () => {
    const { sql, params } = compileFilter(
      check("doc.t = 'Robert''); DROP TABLE rows; --' OR doc.n IN (42, 4.5) OR doc.b = true"),
      { docMetadata: 'r.doc_metadata', docId: 'r.doc_id' },
    );
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('42');
    expect(params).toEqual(["Robert'); DROP TABLE rows; --", 42, 4.5, 1]);
  });

  it('compiles document-only filters without part columns, and refuses part filters then', () => {
    const columns = { docMetadata: 'r.doc_metadata', docId: 'r.doc_id' };
    expect(() => compileFilter(check("doc.id = 'a' AND doc.n = 1", ATTRIBUTES, false), columns)).not.toThrow();
    expect(() => compileFilter(check('part.pn = 1'), columns)).toThrow(/partMetadata/);
  });

  it('keeps the SQL within SQLite limits for the deepest and widest filters accepted', () => {
    const deep = `${'NOT '.repeat(95)}doc.n = 1`;
    expect(matches(deep)).toEqual([1]);
    const arithmetic = `doc.n${' + 1'.repeat(90)} > 0`;
    expect(matches(arithmetic)).toEqual([0, 1]);
    const wide = Array.from({ length: 2000 }, (_, i) => `doc.id = 'z${i}'`).join(' OR ') + " OR doc.id = 'b'";
    expect(matches(wide)).toEqual([1]);
  });
});
