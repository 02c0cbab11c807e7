/**
 * The value semantics shared by the evaluator (and mirrored, operator for operator, by the SQL
 * compiler). Kept in one place so the two cannot drift apart silently; the property tests check
 * that they agree.
 *
 * Values are null (unknown / missing), finite-or-infinite numbers (IEEE doubles, as SQLite REAL),
 * text and booleans. Three-valued logic throughout: null in, null out, except IS [NOT] NULL.
 *  - An attribute whose stored JSON value does not fit its declared type (a string in a number
 *    attribute, an array in a text attribute, ...) reads as null, exactly like a missing one.
 *    List attributes read as the elements that fit the element type; a non-array reads as null.
 *  - Arithmetic is floating point; `/` and `%` by zero give null; `%` is the remainder with the
 *    sign of the dividend (C fmod); a NaN result becomes null, as SQLite does.
 *  - Text compares by Unicode code point (the order of UTF-8 bytes, SQLite's BINARY collation),
 *    case-sensitively.
 */
import type { AttributeType } from './check.js';

export type Value = number | string | boolean | null;
export type Truth = boolean | null;

const fitsScalar = (type: 'number' | 'text' | 'boolean', v: unknown): boolean =>
  type === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === (type === 'text' ? 'string' : 'boolean');

/** Reads a scalar attribute from parsed JSON metadata, applying the type guard. */
export function readScalar(metadata: unknown, name: string, type: AttributeType): Value {
  const v = ownValue(metadata, name);
  const scalar = type === 'integer' || type === 'real_number' ? 'number' : type === 'text' ? 'text' : 'boolean';
  return fitsScalar(scalar, v) ? (v as Value) : null;
}

/** Reads a list attribute: its fitting elements, or null when it is missing or not an array. */
export function readList(metadata: unknown, name: string, type: AttributeType): Value[] | null {
  const v = ownValue(metadata, name);
  if (!Array.isArray(v)) return null;
  const element = type === 'list[text]' ? 'text' : 'number';
  return v.filter((e) => fitsScalar(element, e)) as Value[];
}

function ownValue(metadata: unknown, name: string): unknown {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  return Object.hasOwn(metadata, name) ? (metadata as Record<string, unknown>)[name] : undefined;
}

/** Code point order, which equals the byte order of the UTF-8 encodings. */
export function compareText(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

function order(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compare(op: '=' | '!=' | '<' | '<=' | '>' | '>=', a: Value, b: Value): Truth {
  if (a === null || b === null) return null;
  const c = order(a, b);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

export function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Value, b: Value): Value {
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      if (b === 0) return null;
      r = a / b;
      break;
    case '%':
      if (b === 0) return null;
      r = a % b;
      break;
  }
  return Number.isNaN(r) ? null : r;
}

export const not3 = (t: Truth): Truth => (t === null ? null : !t);

/** Three-valued OR over a sequence: true if any is true, else null if any is null, else false. */
export function any3<T>(items: Iterable<T>, test: (item: T) => Truth): Truth {
  let result: Truth = false;
  for (const item of items) {
    const t = test(item);
    if (t === true) return true;
    if (t === null) result = null;
  }
  return result;
}

/** Three-valued AND: false if any is false, else null if any is null, else true. */
export function all3<T>(items: Iterable<T>, test: (item: T) => Truth): Truth {
  return not3(any3(items, (item) => not3(test(item))));
}

/** A value used as a condition: booleans are themselves, null is unknown. */
export const truth = (v: Value): Truth => (v === null ? null : v === true);
