/**
 * fast-check generators for filter trees and candidate rows, over the schema in support.ts.
 * `typedFilter` builds well-typed trees by construction; `anyFilter` builds trees of any shape
 * (ill-typed, undeclared attributes, odd names) that the parser could still produce.
 */
import fc from 'fast-check';
import type { ArithmeticOp, ComparisonOp, FilterExpr, Scope } from '../../../src/retrieval/filter/ast.js';
import { ODD_NAME, type TestRow } from './support.js';

type Arb = fc.Arbitrary<FilterExpr>;

const at = 0;
const lit = (value: string | number | boolean | null): FilterExpr => ({ kind: 'literal', value, at });
const ref = (scope: Scope, name: string): FilterExpr => ({ kind: 'ref', scope, name, at });

/** Small pools so that generated values and stored values often coincide. */
export const NUMBERS = [-2, -1, -0.5, -0, 0, 0.1, 0.2, 0.3, 0.5, 1, 1.5, 2, 3, 10, 1e308];
export const TEXTS = ['', 'a', 'b', 'A', 'ab', 'é', 'z', '😀', '\uffff', "it's", 'a b', '%'];

const numberLiteral = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 2, 0.5) },
  { weight: 4, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
).map(lit);
const textLiteral = fc.constantFrom(...TEXTS).map(lit);
const boolLiteral = fc.boolean().map(lit);
const nullLiteral = fc.constant(lit(null));

const numRef = fc.constantFrom(ref('doc', 'n'), ref('doc', 'r'), ref('part', 'pn'));
const textRef = fc.constantFrom(ref('doc', 't'), ref('doc', 'id'), ref('doc', ODD_NAME), ref('part', 'pt'), ref('part', 'lang'));
const boolRef = fc.constantFrom(ref('doc', 'b'), ref('part', 'pb'), ref('part', 'is_title'));
const textListRef = fc.constantFrom(ref('doc', 'tags'), ref('part', 'ptags'));
const numListRef = fc.constantFrom(ref('doc', 'nums'), ref('doc', 'reals'));

const arithOp = fc.constantFrom<ArithmeticOp>('+', '-', '*', '/', '%');
const anyCompareOp = fc.constantFrom<ComparisonOp>('=', '!=', '<', '<=', '>', '>=');
const equalityOp = fc.constantFrom<ComparisonOp>('=', '!=');

const withNull = (arb: Arb): Arb => fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: nullLiteral });

/** Node builders shared by both generators. */
const AT = { at: fc.constant(at) };
const sign = fc.constantFrom<'+' | '-'>('+', '-');
const items = (item: Arb, maxLength = 3) => fc.array(item, { minLength: 1, maxLength });
const node = {
  unary: (operand: Arb): Arb => fc.record({ kind: fc.constant('unary' as const), op: sign, operand, ...AT }),
  arith: (left: Arb, right: Arb): Arb => fc.record({ kind: fc.constant('arith' as const), op: arithOp, left, right, ...AT }),
  compare: (op: fc.Arbitrary<ComparisonOp>, left: Arb, right: Arb): Arb =>
    fc.record({ kind: fc.constant('compare' as const), op, left, right, ...AT }),
  isNull: (operand: Arb): Arb => fc.record({ kind: fc.constant('isNull' as const), operand, negated: fc.boolean(), ...AT }),
  in: (operand: Arb, list: fc.Arbitrary<FilterExpr[]>): Arb =>
    fc.record({ kind: fc.constant('in' as const), operand, items: list, negated: fc.boolean(), ...AT }),
  not: (operand: Arb): Arb => fc.record({ kind: fc.constant('not' as const), operand, ...AT }),
  logical: (operand: Arb): Arb =>
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(operand, { minLength: 2, maxLength: 3 }), ...AT }),
};

/** Well-typed boolean trees of at most `depth` levels below the root. */
export const typedFilter = (depth: number): Arb => typedArbitraries(depth).bool;

/** Conditions that look closely at numeric expressions: null-ness and comparisons. */
export function numericFilter(depth: number): Arb {
  const { num } = typedArbitraries(depth);
  return fc.oneof(node.isNull(num), node.compare(anyCompareOp, num, num));
}

function typedArbitraries(depth: number): { bool: Arb; num: Arb } {
  const memo = new Map<string, Arb>();
  const cached = (key: string, d: number, make: () => Arb): Arb => {
    const k = `${key}:${d}`;
    if (!memo.has(k)) memo.set(k, make());
    return memo.get(k) as Arb;
  };

  const num = (d: number): Arb =>
    cached('num', d, () => {
      const leaf = withNull(fc.oneof(numberLiteral, numRef));
      if (d === 0) return leaf;
      return fc.oneof(
        { weight: 2, arbitrary: leaf },
        { weight: 1, arbitrary: node.unary(num(d - 1)) },
        { weight: 2, arbitrary: node.arith(num(d - 1), num(d - 1)) },
      );
    });
  const text = withNull(fc.oneof(textLiteral, textRef));
  /** IN items: mostly single values, sometimes a list attribute standing for its elements. */
  const mixed = (scalar: Arb, list: Arb) =>
    items(fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: list }), 4);
  /** `list = value` or `value = list` (and !=). */
  const membership = (list: Arb, value: Arb): Arb =>
    fc.tuple(list, value, fc.boolean()).chain(([l, v, flip]) =>
      node.compare(equalityOp, fc.constant(flip ? v : l), fc.constant(flip ? l : v)),
    );

  const bool = (d: number): Arb =>
    cached('bool', d, () => {
      const leaf = withNull(fc.oneof(boolLiteral, boolRef));
      if (d === 0) return leaf;
      const sub = d - 1;
      const anyList = fc.oneof(textListRef, numListRef);
      return fc.oneof(
        { weight: 2, arbitrary: leaf },
        { weight: 3, arbitrary: node.compare(anyCompareOp, num(sub), num(sub)) },
        { weight: 3, arbitrary: node.compare(anyCompareOp, text, text) },
        { weight: 1, arbitrary: node.compare(equalityOp, bool(sub), bool(sub)) },
        { weight: 2, arbitrary: fc.oneof(membership(textListRef, text), membership(numListRef, num(sub))) },
        { weight: 1, arbitrary: node.isNull(fc.oneof(num(sub), text, bool(sub), anyList)) },
        { weight: 2, arbitrary: node.in(num(sub), mixed(num(sub), numListRef)) },
        { weight: 2, arbitrary: node.in(text, mixed(text, textListRef)) },
        { weight: 1, arbitrary: node.in(textListRef, items(text)) },
        { weight: 1, arbitrary: node.in(numListRef, items(num(sub))) },
        { weight: 2, arbitrary: node.not(bool(sub)) },
        { weight: 3, arbitrary: node.logical(bool(sub)) },
      );
    });
  return { bool: bool(depth), num: num(depth) };
}

/** Names for `anyFilter`: declared ones, undeclared ones, and arbitrary strings. */
const anyName = fc.oneof(
  fc.constantFrom('n', 'r', 't', 'b', 'tags', 'nums', 'pn', 'pt', 'pb', 'ptags', 'id', 'lang', 'is_title', ODD_NAME, 'zz'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

/** Any tree the parser could produce, typed or not. */
export const anyFilter: Arb = fc.letrec<{ expr: FilterExpr }>((tie) => {
  const child = tie('expr');
  const leaf = fc.oneof(
    numberLiteral,
    fc.oneof(textLiteral, fc.string({ unit: 'binary', maxLength: 5 }).map(lit)),
    boolLiteral,
    nullLiteral,
    fc.record({ kind: fc.constant('ref' as const), scope: fc.constantFrom<Scope>('doc', 'part'), name: anyName, ...AT }),
  );
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      node.unary(child),
      node.arith(child, child),
      node.compare(anyCompareOp, child, child),
      node.isNull(child),
      node.in(child, items(child)),
      node.not(child),
      node.logical(child),
    ),
  };
}).expr;

/** JSON values of every kind, mostly from the shared pools. */
const jsonScalar = fc.oneof(fc.constantFrom(...NUMBERS), fc.constantFrom(...TEXTS), fc.boolean(), fc.constant(null));
const jsonValue = fc.oneof(
  { weight: 6, arbitrary: jsonScalar },
  { weight: 3, arbitrary: fc.array(jsonScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'n'), jsonScalar, { maxKeys: 2 }) },
);

const metadata = (keys: string[]) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 8, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, jsonValue])), { requiredKeys: [] }) },
  );

export const rowArb: fc.Arbitrary<TestRow> = fc.record({
  docId: fc.constantFrom(...TEXTS),
  docMetadata: metadata(['n', 'r', 't', 'b', 'tags', 'nums', 'reals', ODD_NAME, 'zz']),
  partMetadata: metadata(['pn', 'pt', 'pb', 'ptags', 'n']),
  partLang: fc.constantFrom(null, 'eng', 'deu', 'a', ''),
  partIsTitle: fc.constantFrom(null, true, false),
});

export const rowsArb = fc.array(rowArb, { minLength: 1, maxLength: 12 });
