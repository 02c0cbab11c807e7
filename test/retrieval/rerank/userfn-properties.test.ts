/**
 * Property tests for user functions: printing and parsing round-trip; any text compiles or fails
 * with a 400; evaluation never throws and only ever gives null or a finite number, for random
 * functions over random (even malformed) rows; arithmetic and logical identities hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import type { BinaryOp, LiteralValue, UserFnExpr } from '../../../src/retrieval/rerank/userfn/ast.js';
import { FUNCTIONS } from '../../../src/retrieval/rerank/userfn/functions.js';
import { compileUserFunction, type UserFnRow, type UserFunction } from '../../../src/retrieval/rerank/userfn/index.js';
import { parseUserFunction } from '../../../src/retrieval/rerank/userfn/parser.js';
import { printUserFunction } from '../../../src/retrieval/rerank/userfn/print.js';

const FIELD = 'search.reranker.user_function';
const NOW = new Date('2024-12-04T10:14:50Z');
const ROW0: UserFnRow = { score: 0.5, text: '', document_id: '', document_metadata: {}, part_metadata: {} };

const is400 = (err: unknown): boolean => err instanceof QuarryError && err.status === 400;

/** The compiled function, or undefined after a proper 400. */
function tryCompile(source: string): UserFunction | undefined {
  try {
    return compileUserFunction(source, FIELD);
  } catch (err) {
    if (!is400(err)) throw err;
    return undefined;
  }
}

/** The tree without source positions. */
const strip = (e: UserFnExpr): unknown => JSON.parse(JSON.stringify(e, (key, value: unknown) => (key === 'at' ? undefined : value)));

// ---------------------------------------------------------------------------------------------
// Arbitraries

const lit = (value: LiteralValue): UserFnExpr => ({ kind: 'literal', value, at: 0 });

const PATHS = [
  '$.score', '$.text', '$.document_id', '$.document_metadata.year', '$.document_metadata.nested.a',
  '$.part_metadata.lang', '$.document_metadata.tags[0]', '$.part_metadata.tags[-1]', "$.part_metadata['boost']",
  '$.document_metadata.pub', '$.missing', '$',
];

const literal: fc.Arbitrary<UserFnExpr> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(lit),
  fc.integer({ min: -5, max: 5 }).map(lit),
  fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('2024-12-01T00:00:00Z', 'yyyy-MM-dd', "it's", 'fra')).map(lit),
  fc.boolean().map(lit),
  fc.constant(lit(null)),
);

const getCall: fc.Arbitrary<UserFnExpr> = fc
  .tuple(fc.constantFrom(...PATHS), fc.option(literal, { nil: undefined }))
  .map(([path, fallback]) => ({ kind: 'call', name: 'get', args: fallback ? [lit(path), fallback] : [lit(path)], at: 0 }));

const leaf = fc.oneof({ weight: 3, arbitrary: literal }, { weight: 3, arbitrary: getCall }, {
  weight: 1,
  arbitrary: fc.constant<UserFnExpr>({ kind: 'call', name: 'now', args: [], at: 0 }),
});

const NAMES = [...FUNCTIONS.entries()].filter(([name]) => name !== 'knee');
const BINARY_OPS: BinaryOp[] = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>='];

/** Random trees up to `depth` levels of operations, using only the built-in function names. */
function exprOf(depth: number): fc.Arbitrary<UserFnExpr> {
  if (depth === 0) return leaf;
  const sub = exprOf(depth - 1);
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<'-' | '+' | '!'>('-', '+', '!'), sub).map(([op, operand]) => ({ kind: 'unary', op, operand, at: 0 }) as UserFnExpr) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...BINARY_OPS), sub, sub).map(([op, left, right]) => ({ kind: 'binary', op, left, right, at: 0 }) as UserFnExpr) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<'&&' | '||'>('&&', '||'), fc.array(sub, { minLength: 2, maxLength: 3 })).map(([op, operands]) => ({ kind: 'logical', op, operands, at: 0 }) as UserFnExpr) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([condition, then, otherwise]) => ({ kind: 'if', condition, then, else: otherwise, at: 0 }) as UserFnExpr) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...NAMES).chain(([name, spec]) =>
        fc.array(sub, { minLength: spec.minArgs, maxLength: Math.min(spec.maxArgs, spec.minArgs + 1, 3) })
          .map((args) => ({ kind: 'call', name, args, at: 0 }) as UserFnExpr)),
    },
  );
}

const expr = exprOf(3);

const metaValue = fc.oneof(
  fc.double(),
  fc.integer({ min: -10, max: 3000 }),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2024-12-01T00:00:00Z', '2024-02-30', 'fra'),
  fc.array(fc.oneof(fc.double(), fc.string({ maxLength: 3 })), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const metadata = fc.dictionary(fc.constantFrom('year', 'lang', 'boost', 'pub', 'tags', 'nested', '__proto__', 'constructor'), metaValue);
const row: fc.Arbitrary<UserFnRow> = fc.record({
  score: fc.double(),
  text: fc.string({ maxLength: 5 }),
  document_id: fc.string({ maxLength: 5 }),
  document_metadata: metadata,
  part_metadata: metadata,
});

const isScore = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

// ---------------------------------------------------------------------------------------------

describe('user function properties', () => {
  it('printing then parsing gives the same tree back', () => {
    fc.assert(
      fc.property(exprOf(4), (e) => {
        const text = printUserFunction(e);
        const reparsed = parseUserFunction(text, FIELD);
        expect(strip(reparsed), text).toEqual(strip(e));
        expect(printUserFunction(reparsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('random functions over random rows: evaluation never throws and gives null or a finite number', () => {
    let compiled = 0;
    let numbers = 0;
    fc.assert(
      fc.property(expr, fc.array(row, { minLength: 1, maxLength: 4 }), fc.integer({ min: -1e12, max: 4e12 }), (e, rows, nowMs) => {
        const fn = tryCompile(printUserFunction(e));
        if (!fn) return;
        compiled += 1;
        for (const r of rows) {
          const score = fn.evaluate(r, new Date(nowMs));
          expect(isScore(score), `${fn.source} -> ${String(score)}`).toBe(true);
          expect(fn.evaluate(r, new Date(nowMs))).toBe(score); // deterministic
          if (score !== null) numbers += 1;
        }
      }),
      { numRuns: 3000 },
    );
    // The generators must produce functions that compile and give scores, not only nulls.
    expect(compiled).toBeGreaterThan(1500);
    expect(numbers).toBeGreaterThan(500);
  });

  it('arbitrary text compiles or fails with a 400, never anything else', () => {
    const token = fc.constantFrom(
      "get('$.score')", "get('$.document_metadata.year', 1)", "get('$..x')", "'a''b'", "'", '"', '(', ')', ',', '+', '-', '*',
      '/', '%', '<', '<=', '>', '>=', '==', '===', '!=', '!', '&&', '||', '&', '|', '=', '?', ':', 'and', 'OR', 'not', 'if',
      'then', 'else', 'true', 'null', '1', '2.5', '.5', '1e3', '1e999', 'abs', 'max(', 'now()', 'knee()', 'x', '#', ' ',
    );
    const soup = fc.array(token, { maxLength: 25 }).map((parts) => parts.join(' '));
    const r: UserFnRow = { score: 0.5, text: 't', document_id: 'd', document_metadata: { year: 2020 }, part_metadata: {} };
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ unit: 'grapheme', maxLength: 40 })), (text) => {
        const fn = tryCompile(text);
        if (fn) expect(isScore(fn.evaluate(r, NOW))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('number arithmetic and comparisons agree with JS doubles (division by zero and NaN give null)', () => {
    const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -10, max: 10 }));
    const ARITHMETIC = ['+', '-', '*', '/', '%'] as const;
    const COMPARISON = ['==', '!=', '<', '<=', '>', '>='] as const;
    const js: Record<string, (a: number, b: number) => number | boolean> = {
      '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '%': (a, b) => a % b,
      '==': (a, b) => a === b, '!=': (a, b) => a !== b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
    };
    fc.assert(
      fc.property(number, number, fc.constantFrom(...ARITHMETIC, ...COMPARISON), (a, b, op) => {
        const source = printUserFunction({ kind: 'binary', op, left: lit(a), right: lit(b), at: 0 });
        const expected = js[op]?.(a, b);
        const score =
          typeof expected === 'boolean' ? (expected ? 1 : 0)
          : (op === '/' || op === '%') && b === 0 ? null
          : Number.isFinite(expected) ? expected
          : null;
        expect(compileUserFunction(source, FIELD).evaluate(ROW0, NOW), source).toBe(score);
      }),
      { numRuns: 3000 },
    );
  });

  it('get passes the score through, and null for a non-finite one', () => {
    const fn = compileUserFunction("get('$.score')", FIELD);
    fc.assert(
      fc.property(fc.double(), (score) => {
        expect(fn.evaluate({ ...ROW0, score }, NOW)).toBe(Number.isFinite(score) ? score : null);
      }),
    );
  });

  it('identities hold for every function and row: E*1, E/1, E-0, -(-E) and !!E score like E, De Morgan holds', () => {
    fc.assert(
      fc.property(expr, expr, row, (e, f, r) => {
        const E = printUserFunction(e);
        const F = printUserFunction(f);
        const base = tryCompile(E);
        const other = tryCompile(F);
        if (!base || !other) return;
        const score = base.evaluate(r, NOW);
        const same = (variant: string) => expect(compileUserFunction(variant, FIELD).evaluate(r, NOW), variant).toBe(score);
        same(`(${E}) * 1`);
        same(`(${E}) / 1`);
        same(`(${E}) - 0`);
        same(`-(-(${E}))`);
        same(`(${E}) * (1 == 1)`);
        const truth = (source: string) => compileUserFunction(source, FIELD).evaluate(r, NOW);
        expect(truth(`!(${E} && ${F})`)).toBe(truth(`!${E} || !${F}`));
        expect(truth(`!(${E} || ${F})`)).toBe(truth(`!${E} && !${F}`));
        expect(truth(`!!${E}`)).toBe(truth(`if (${E}) true else false`));
        expect(truth(`not ${E}`)).toBe(truth(`!${E}`));
        expect(truth(`if (${E}) ${F} else 7`)).toBe(truth(`${E} ? ${F} : 7`));
        expect(truth(`if (${E}) ${F} else 7`)).toBe(truth(`if (${E}, ${F}, 7)`));
      }),
      { numRuns: 1000 },
    );
  });
});
