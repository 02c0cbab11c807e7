/**
 * What the operators do with runtime values. Total functions: any combination of operand types
 * gives a value, null when the combination means nothing.
 *
 * Arithmetic (booleans count as numbers; null in, null out):
 *   number  + - * / %  number    -> number; dividing (/ or %) by zero gives null
 *   datetime - datetime          -> duration
 *   datetime ± duration          -> datetime;  duration + datetime -> datetime
 *   duration ± duration          -> duration
 *   duration * number, number * duration, duration / number -> duration
 *   duration / duration          -> number (their ratio)
 *
 * Comparisons give booleans:
 *   - ordering (< <= > >=) compares two numbers (booleans count as numbers), two strings (by
 *     UTF-16 code units, like Java's String.compareTo), two datetimes or two durations. Anything
 *     else, in particular null on either side, is false ("comparing against null is falsy");
 *   - == is true for two equal values of the same kind (numbers and booleans are one kind, as
 *     above), and for null == null, so `get('$.x') == null` tests for a missing field; != is its
 *     negation. Values of different kinds are unequal.
 */
import type { ArithmeticOp, ComparisonOp } from './ast.js';
import {
  asNumber,
  dateTime,
  duration,
  isDateTime,
  isDuration,
  isTruthy,
  num,
  type Value,
} from './values.js';

function arithmeticOnNumbers(op: ArithmeticOp, a: number, b: number): number | null {
  switch (op) {
    case '+':
      return num(a + b);
    case '-':
      return num(a - b);
    case '*':
      return num(a * b);
    case '/':
      return b === 0 ? null : num(a / b);
    case '%':
      return b === 0 ? null : num(a % b);
  }
}

export function arithmetic(op: ArithmeticOp, left: Value, right: Value): Value {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== null && b !== null) return arithmeticOnNumbers(op, a, b);
  if (left === null || right === null) return null;

  if (isDateTime(left)) {
    if (op === '-' && isDateTime(right)) return duration(left.ms - right.ms);
    if (isDuration(right)) {
      if (op === '+') return dateTime(left.ms + right.ms);
      if (op === '-') return dateTime(left.ms - right.ms);
    }
    return null;
  }
  if (isDuration(left)) {
    if (isDuration(right)) {
      if (op === '+') return duration(left.ms + right.ms);
      if (op === '-') return duration(left.ms - right.ms);
      if (op === '/') return right.ms === 0 ? null : num(left.ms / right.ms);
      return null;
    }
    if (isDateTime(right)) return op === '+' ? dateTime(left.ms + right.ms) : null;
    if (b !== null) {
      if (op === '*') return duration(left.ms * b);
      if (op === '/') return b === 0 ? null : duration(left.ms / b);
    }
    return null;
  }
  if (a !== null && isDuration(right) && op === '*') return duration(a * right.ms);
  return null;
}

/** -1, 0 or 1 when the two values can be ordered, else null. */
function order(left: Value, right: Value): number | null {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== null && b !== null) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if ((isDateTime(left) && isDateTime(right)) || (isDuration(left) && isDuration(right))) {
    return left.ms < right.ms ? -1 : left.ms > right.ms ? 1 : 0;
  }
  return null;
}

export function compare(op: ComparisonOp, left: Value, right: Value): boolean {
  if (op === '==' || op === '!=') {
    const equal = left === null || right === null ? left === right : order(left, right) === 0;
    return op === '==' ? equal : !equal;
  }
  const c = order(left, right);
  if (c === null) return false;
  switch (op) {
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

export function unary(op: '-' | '+' | '!', operand: Value): Value {
  if (op === '!') return !isTruthy(operand);
  if (isDuration(operand)) return op === '-' ? duration(-operand.ms) : operand;
  const n = asNumber(operand);
  if (n === null) return null;
  return op === '-' ? -n : n;
}
