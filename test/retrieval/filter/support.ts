/**
 * Shared fixtures for the filter tests: a corpus schema, a real in-memory SQLite table the
 * compiled SQL runs against, and helpers to compare the database with the in-memory evaluator.
 */
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import type { FilterExpr } from '../../../src/retrieval/filter/ast.js';
import {
  checkFilter,
  compileFilter,
  evaluateFilter,
  parseFilter,
  type CheckedFilter,
  type FilterRow,
} from '../../../src/retrieval/filter/index.js';
import type { FilterAttributeRecord } from '../../../src/storage/types.js';

const attr = (
  name: string,
  level: FilterAttributeRecord['level'],
  type: FilterAttributeRecord['type'],
): FilterAttributeRecord => ({ name, level, type, indexed: true });

/** An awkward name on purpose: dots, a double quote, a single quote and a space. */
export const ODD_NAME = `it's "odd".name`;

export const ATTRIBUTES: FilterAttributeRecord[] = [
  attr('n', 'document', 'integer'),
  attr('r', 'document', 'real_number'),
  attr('t', 'document', 'text'),
  attr('b', 'document', 'boolean'),
  attr('tags', 'document', 'list[text]'),
  attr('nums', 'document', 'list[integer]'),
  attr('reals', 'document', 'list[real_number]'),
  attr(ODD_NAME, 'document', 'text'),
  attr('pn', 'part', 'integer'),
  attr('pt', 'part', 'text'),
  attr('pb', 'part', 'boolean'),
  attr('ptags', 'part', 'list[text]'),
];

export const FIELD = 'search.corpora.0.metadata_filter';

export const check = (text: string, attributes = ATTRIBUTES, allowPart = true): CheckedFilter => {
  const expr = parseFilter(text, FIELD);
  if (!expr) throw new Error('empty filter');
  return checkFilter(expr, attributes, { field: FIELD, corpusKey: 'docs', allowPart });
};

/** The 400 a filter produces: its field error message (fails the test when nothing is thrown). */
export const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(QuarryError);
    const e = err as QuarryError;
    expect(e.status).toBe(400);
    const message = e.details.fieldErrors?.[FIELD];
    expect(message).toBeTypeOf('string');
    return message as string;
  }
  throw new Error('expected a 400 error');
};

/** Removes the `at` columns, for comparing trees by structure (keeps -0 distinct from 0). */
export function strip(e: FilterExpr): unknown {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'at').map(([k, x]) => [k, clean(x)]));
  };
  return clean(e);
}

/** Rows as the tests write them: metadata are plain JSON-able objects. */
export interface TestRow {
  docId: string;
  docMetadata?: unknown;
  partMetadata?: unknown;
  partLang?: string | null;
  partIsTitle?: boolean | null;
}

export const COLUMNS = {
  docMetadata: 'r.doc_metadata',
  partMetadata: 'r.part_metadata',
  docId: 'r.doc_id',
  partLang: 'r.lang',
  partIsTitle: 'r.is_title',
};

/** One in-memory database with one table of candidate rows, reused across runs. */
export function createHarness() {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE rows (
    id INTEGER PRIMARY KEY, doc_id TEXT, doc_metadata TEXT, part_metadata TEXT, lang TEXT, is_title INTEGER)`);
  const clear = db.prepare('DELETE FROM rows');
  const insert = db.prepare(
    'INSERT INTO rows (id, doc_id, doc_metadata, part_metadata, lang, is_title) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
  const load = db.transaction((rows: TestRow[]) => {
    clear.run();
    rows.forEach((row, i) =>
      insert.run(
        i,
        row.docId,
        json(row.docMetadata),
        json(row.partMetadata),
        row.partLang ?? null,
        row.partIsTitle === undefined || row.partIsTitle === null ? null : row.partIsTitle ? 1 : 0,
      ),
    );
  });

  return {
    db,
    /** Indexes of the rows the compiled SQL keeps. */
    sqlMatches(filter: CheckedFilter, rows: TestRow[]): number[] {
      load(rows);
      const { sql, params } = compileFilter(filter, COLUMNS);
      const found = db.prepare(`SELECT id FROM rows r WHERE ${sql} ORDER BY id`).all(...params) as Array<{ id: number }>;
      return found.map((r) => r.id);
    },
    /** Indexes of the rows the evaluator keeps, reading the same JSON the database holds. */
    evalMatches(filter: CheckedFilter, rows: TestRow[]): number[] {
      const roundTrip = (v: unknown): unknown => (v === undefined || v === null ? null : JSON.parse(JSON.stringify(v)));
      return rows.flatMap((row, i) => {
        const r: FilterRow = {
          docId: row.docId,
          docMetadata: roundTrip(row.docMetadata),
          partMetadata: roundTrip(row.partMetadata),
          partLang: row.partLang ?? null,
          partIsTitle: row.partIsTitle ?? null,
        };
        return evaluateFilter(filter, r) ? [i] : [];
      });
    },
    /** Both engines' matches; asserts they agree and returns them. */
    matches(filter: CheckedFilter, rows: TestRow[]): number[] {
      const viaSql = this.sqlMatches(filter, rows);
      expect(viaSql).toEqual(this.evalMatches(filter, rows));
      return viaSql;
    },
  };
}
