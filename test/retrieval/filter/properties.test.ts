/**
 * Property tests: the compiled SQL on a real SQLite table keeps exactly the rows the evaluator
 * keeps, for random filters and random rows; printing and parsing round-trip; arbitrary input
 * never produces anything but a tree or a 400.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import {
  checkFilter,
  parseFilter,
  printFilter,
  type CheckedFilter,
} from '../../../src/retrieval/filter/index.js';
import type { FilterExpr } from '../../../src/retrieval/filter/ast.js';
import { anyFilter, numericFilter, rowsArb, typedFilter } from './arbitraries.js';
import { ATTRIBUTES, FIELD, createHarness, strip } from './support.js';

const h = createHarness();
const options = { field: FIELD, corpusKey: 'docs' };

const is400 = (err: unknown): boolean => err instanceof QuarryError && err.status === 400;

/** The check's verdict: the checked filter, or undefined after a proper 400. */
function tryCheck(expr: FilterExpr): CheckedFilter | undefined {
  try {
    return checkFilter(expr, ATTRIBUTES, options);
  } catch (err) {
    if (!is400(err)) throw err;
    return undefined;
  }
}

describe('filter properties', () => {
  it('well-typed filters: SQLite keeps exactly the rows the evaluator keeps', () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(typedFilter(4), rowsArb, (expr, rows) => {
        const filter = checkFilter(expr, ATTRIBUTES, options);
        const viaSql = h.sqlMatches(filter, rows);
        expect(viaSql).toEqual(h.evalMatches(filter, rows));
        if (viaSql.length > 0 && viaSql.length < rows.length) nonEmpty += 1;
      }),
      { numRuns: 1500 },
    );
    // The generators must exercise filters that actually discriminate between rows.
    expect(nonEmpty).toBeGreaterThan(200);
  });

  it('numeric expressions: SQLite and the evaluator agree on null-ness and order', () => {
    fc.assert(
      fc.property(numericFilter(3), rowsArb, (expr, rows) => {
        const filter = checkFilter(expr, ATTRIBUTES, options);
        expect(h.sqlMatches(filter, rows)).toEqual(h.evalMatches(filter, rows));
      }),
      { numRuns: 1500 },
    );
  });

  it('filters of any shape: the check answers 400 or the engines agree', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyFilter, rowsArb, (expr, rows) => {
        const filter = tryCheck(expr);
        if (!filter) return;
        accepted += 1;
        expect(h.sqlMatches(filter, rows)).toEqual(h.evalMatches(filter, rows));
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('well-typed filters pass the check after printing and parsing', () => {
    fc.assert(
      fc.property(typedFilter(4), (expr) => {
        const reparsed = parseFilter(printFilter(expr), FIELD) as FilterExpr;
        expect(() => checkFilter(reparsed, ATTRIBUTES, options)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('printing then parsing gives the same tree back', () => {
    fc.assert(
      fc.property(fc.oneof(anyFilter, typedFilter(5)), (expr) => {
        const text = printFilter(expr);
        const reparsed = parseFilter(text, FIELD);
        expect(reparsed, text).not.toBeNull();
        expect(strip(reparsed as FilterExpr), text).toEqual(strip(expr));
        expect(printFilter(reparsed as FilterExpr)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary text parses to a tree or fails with a 400, never anything else', () => {
    const token = fc.constantFrom(
      'doc.n', 'part.pt', 'doc."x y"', 'doc.', '"', "'", "'a''b'", '(', ')', ',', '+', '-', '*', '/', '%',
      '=', '==', '!=', '<>', '<', '<=', '>', '>=', 'AND', 'or', 'NOT', 'in', 'IS', 'null', 'true', 'FALSE',
      '1', '2.5', '.5', '1e3', 'x', 'meta.x', '!', '#', ' ', '\n',
    );
    const soup = fc.array(token, { maxLength: 25 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ unit: 'grapheme', maxLength: 40 })), (text) => {
        try {
          const expr = parseFilter(text, FIELD);
          if (expr) tryCheck(expr);
        } catch (err) {
          expect(is400(err), String(err)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
