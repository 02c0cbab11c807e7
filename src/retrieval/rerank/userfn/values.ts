/**
 * Runtime values of user functions and the coercions every operator and function shares.
 *
 * Vectara's UserFn has five types (number, string, boolean, datetime, duration) plus null. Here:
 *  - numbers are JS doubles and never NaN: any operation that would give NaN gives null instead.
 *    Infinities may appear in the middle of a computation (`ln(0)`); a non-finite final result
 *    drops the row (see index.ts);
 *  - datetimes and durations are tagged milliseconds (fractions allowed). Datetimes stay within
 *    the range of a JS Date (±8.64e15 ms); leaving it gives null;
 *  - booleans count as numbers (true = 1, false = 0) wherever a number is needed. Vectara's own
 *    example adds a boolean metadata field to the score (`... + get('$.document_metadata.promoted')`);
 *  - null is what `get` returns for a missing path, and what any operation on a value of the
 *    wrong type gives: errors in the data never throw, they become null.
 */

export interface DateTimeValue {
  readonly kind: 'datetime';
  /** Milliseconds since the Unix epoch, UTC. */
  readonly ms: number;
}

export interface DurationValue {
  readonly kind: 'duration';
  readonly ms: number;
}

export type Value = null | number | string | boolean | DateTimeValue | DurationValue;

/** The largest |ms| a JS Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** A number result: NaN becomes null. */
export const num = (n: number): number | null => (Number.isNaN(n) ? null : n);

export const dateTime = (ms: number): DateTimeValue | null =>
  Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? { kind: 'datetime', ms } : null;

export const duration = (ms: number): DurationValue | null =>
  Number.isFinite(ms) ? { kind: 'duration', ms } : null;

export const isDateTime = (v: Value): v is DateTimeValue => typeof v === 'object' && v !== null && v.kind === 'datetime';

export const isDuration = (v: Value): v is DurationValue => typeof v === 'object' && v !== null && v.kind === 'duration';

/** The number a value stands for where a number is needed (booleans are 1 / 0), else null. */
export const asNumber = (v: Value): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
};

/**
 * Truth in conditions (`if`, `? :`, `&&`, `||`, `!`): true, or a number other than 0. Everything
 * else, null included, is false, so a condition on a missing field takes the else branch.
 */
export const isTruthy = (v: Value): boolean => {
  const n = asNumber(v);
  return n !== null && n !== 0;
};

/** A short name of the value's type, for tests and messages. */
export const typeOf = (v: Value): string => {
  if (v === null) return 'null';
  if (typeof v === 'object') return v.kind;
  return typeof v;
};

/**
 * Turns what `get` found in the result into a value: JSON scalars as they are, anything else
 * (objects, arrays, undefined, non-finite numbers, non-JSON values) as null.
 */
export const fromJson = (v: unknown): Value => {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'boolean':
      return v;
    default:
      return null;
  }
};
