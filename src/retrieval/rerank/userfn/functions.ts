/**
 * The built-in functions of user functions. Users cannot define their own.
 *
 * Each entry gives its arity and builds an evaluator from its compiled arguments. Arguments
 * written as literals are checked when the function is compiled (a bad JSONPath, an unsupported
 * date pattern, an impossible ISO date-time: 400). At evaluation time every function is total:
 * null, a value of the wrong type or an out-of-domain input gives null (NaN is never returned);
 * booleans count as numbers (1 / 0) like everywhere else.
 *
 * Documented by Vectara:
 *   get(path [, default])            the value at a JSONPath of the result; `default` (evaluated
 *                                    only when needed) replaces a missing or null value
 *   now()                            the current datetime
 *   iso_datetime_parse(s)            ISO 8601 text -> datetime
 *   datetime_parse(s, pattern)       text in a Java DateTimeFormatter pattern -> datetime
 *   to_unix_timestamp(dt)            datetime -> whole seconds since the epoch (floored)
 *   seconds(x) minutes(x) hours(x)   number -> duration of that many units; duration -> number of units
 *   abs power min max sqrt trunc sign radians degrees
 *   log(b, x) ln log10 sin sind cos cosd tan tand
 * Also accepted, because Vectara's own examples use them: `log(x)` with one argument (natural
 * log), `as_days(duration)` and the spelling `iso_date_time_parse`.
 * Extensions (not in Vectara's list, harmless to accept): days(x) (like hours), pow (= power),
 * exp, floor, ceil, round (halves towards +infinity, like Java's Math.round); min and max take
 * two or more arguments.
 * Recognised but refused: knee([sensitivity [, early_bias]]). It cuts the whole result list at a
 * score drop, which a function of one result cannot express.
 */
import type { LiteralValue } from './ast.js';
import { compileDateTimePattern, parseIsoDateTime, type DateTimePattern } from './datetime.js';
import { parseJsonPath, readPath, type PathStep } from './json-path.js';
import type { UserFnRow } from './types.js';
import {
  asNumber,
  dateTime,
  duration,
  fromJson,
  isDateTime,
  isDuration,
  num,
  type Value,
} from './values.js';

export interface EvalContext {
  readonly row: UserFnRow;
  /** What now() returns, in epoch milliseconds (NaN makes now() null). */
  readonly nowMs: number;
}

export type Evaluator = (ctx: EvalContext) => Value;

export interface Argument {
  readonly evaluate: Evaluator;
  /** Present when the argument is written as a literal. */
  readonly literal?: { readonly value: LiteralValue };
  /** Column of the argument in the source. */
  readonly at: number;
}

/** Throws the compile error (a 400) with this message. */
export type Reject = (message: string) => never;

export interface FunctionSpec {
  readonly minArgs: number;
  /** Infinity for any number. */
  readonly maxArgs: number;
  /** Builds the evaluator; called once the arity is known to be right. */
  build(args: readonly Argument[], reject: Reject, call: { name: string; at: number }): Evaluator;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Evaluates every argument, then applies `apply` to the values. */
const strict =
  (arity: number, apply: (...values: Value[]) => Value, maxArgs = arity): FunctionSpec => ({
    minArgs: arity,
    maxArgs,
    build: (args) => (ctx) => apply(...args.map((a) => a.evaluate(ctx))),
  });

const numeric1 = (f: (x: number) => number): FunctionSpec =>
  strict(1, (v) => {
    const x = asNumber(v);
    return x === null ? null : num(f(x));
  });

const numeric2 = (f: (x: number, y: number) => number): FunctionSpec =>
  strict(2, (a, b) => {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === null || y === null ? null : num(f(x, y));
  });

const extremum = (pick: (...xs: number[]) => number): FunctionSpec =>
  strict(
    2,
    (...values) => {
      const xs: number[] = [];
      for (const v of values) {
        const x = asNumber(v);
        if (x === null) return null;
        xs.push(x);
      }
      return num(pick(...xs));
    },
    Infinity,
  );

/** seconds / minutes / hours / days: number -> duration, duration -> number. */
const unit = (ms: number): FunctionSpec =>
  strict(1, (v) => {
    if (isDuration(v)) return num(v.ms / ms);
    const n = asNumber(v);
    return n === null ? null : duration(n * ms);
  });

/** Degrees reduced to [0, 360), so that multiples of 90 give exact results. */
const reduceDegrees = (d: number): number => ((d % 360) + 360) % 360;

const sinDegrees = (d: number): number => {
  const r = reduceDegrees(d);
  return r % 90 === 0 ? ([0, 1, 0, -1][r / 90] as number) : Math.sin((r * Math.PI) / 180);
};

const tanDegrees = (d: number): number => {
  const r = reduceDegrees(d) % 180;
  if (r === 0) return 0;
  if (r === 45) return 1;
  if (r === 135) return -1;
  if (r === 90) return NaN; // undefined: becomes null
  return Math.tan((r * Math.PI) / 180);
};

const logBase = (b: number, x: number): number => {
  if (b === 10) return Math.log10(x);
  if (b === 2) return Math.log2(x);
  return Math.log(x) / Math.log(b);
};

/** A small memo for values derived from non-literal arguments (paths, patterns). */
function memo<T>(derive: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let hit = cache.get(key);
    if (hit === undefined && !cache.has(key)) {
      hit = derive(key);
      if (cache.size >= 64) cache.clear();
      cache.set(key, hit);
    }
    return hit as T;
  };
}

/** Rejects a literal argument that is not a string (null passes: it evaluates to null). */
function literalString(arg: Argument, what: string, reject: Reject): string | undefined {
  if (!arg.literal) return undefined;
  const { value } = arg.literal;
  if (value === null) return undefined;
  if (typeof value !== 'string') reject(`${what} at column ${arg.at} must be a string, not ${String(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The functions

const get: FunctionSpec = {
  minArgs: 1,
  maxArgs: 2,
  build(args, reject) {
    const [pathArg, defaultArg] = args as [Argument, Argument | undefined];
    let steps: PathStep[] | undefined;
    const literal = literalString(pathArg, 'the path of get()', reject);
    if (literal !== undefined) {
      const parsed = parseJsonPath(literal);
      if ('error' in parsed) return reject(`the JSONPath '${literal}' of get() at column ${pathArg.at}: ${parsed.error}`);
      steps = parsed;
    }
    const stepsOf = memo((path: string) => {
      const parsed = parseJsonPath(path);
      return 'error' in parsed ? null : parsed;
    });
    return (ctx) => {
      let path = steps;
      if (!path) {
        const v = pathArg.evaluate(ctx);
        path = typeof v === 'string' ? (stepsOf(v) ?? undefined) : undefined;
      }
      const found = path ? fromJson(readPath(ctx.row, path)) : null;
      return found === null && defaultArg ? defaultArg.evaluate(ctx) : found;
    };
  },
};

const isoDateTimeParse: FunctionSpec = {
  minArgs: 1,
  maxArgs: 1,
  build(args, reject, call) {
    const [textArg] = args as [Argument];
    const literal = literalString(textArg, `the argument of ${call.name}()`, reject);
    if (literal !== undefined && parseIsoDateTime(literal) === null) {
      reject(`'${literal}' at column ${textArg.at} is not an ISO 8601 date-time such as '2024-12-04T10:14:50Z'`);
    }
    return (ctx) => {
      const v = textArg.evaluate(ctx);
      if (isDateTime(v)) return v;
      if (typeof v !== 'string') return null;
      const ms = parseIsoDateTime(v);
      return ms === null ? null : dateTime(ms);
    };
  },
};

const datetimeParse: FunctionSpec = {
  minArgs: 2,
  maxArgs: 2,
  build(args, reject) {
    const [textArg, patternArg] = args as [Argument, Argument];
    let pattern: DateTimePattern | undefined;
    const literal = literalString(patternArg, 'the pattern of datetime_parse()', reject);
    if (literal !== undefined) {
      const compiled = compileDateTimePattern(literal);
      if ('error' in compiled) return reject(`the pattern '${literal}' of datetime_parse() at column ${patternArg.at}: ${compiled.error}`);
      pattern = compiled;
    }
    const patternOf = memo((p: string) => {
      const compiled = compileDateTimePattern(p);
      return 'error' in compiled ? null : compiled;
    });
    literalString(textArg, 'the text of datetime_parse()', reject);
    return (ctx) => {
      const text = textArg.evaluate(ctx);
      if (typeof text !== 'string') return null;
      let parse = pattern;
      if (!parse) {
        const p = patternArg.evaluate(ctx);
        parse = typeof p === 'string' ? (patternOf(p) ?? undefined) : undefined;
      }
      const ms = parse ? parse(text) : null;
      return ms === null ? null : dateTime(ms);
    };
  },
};

const knee: FunctionSpec = {
  minArgs: 0,
  maxArgs: 2,
  build(_args, reject, call) {
    return reject(
      `knee() at column ${call.at} is not supported here: it cuts the whole result list where the scores drop, ` +
        'which a function of one result cannot compute',
    );
  },
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['get', get],

  ['now', { minArgs: 0, maxArgs: 0, build: () => (ctx) => dateTime(ctx.nowMs) }],
  ['iso_datetime_parse', isoDateTimeParse],
  ['iso_date_time_parse', isoDateTimeParse],
  ['datetime_parse', datetimeParse],
  ['to_unix_timestamp', strict(1, (v) => (isDateTime(v) ? Math.floor(v.ms / 1000) : null))],
  ['seconds', unit(1000)],
  ['minutes', unit(MINUTE)],
  ['hours', unit(HOUR)],
  ['days', unit(DAY)],
  ['as_days', strict(1, (v) => (isDuration(v) ? num(v.ms / DAY) : null))],

  ['abs', strict(1, (v) => {
    if (isDuration(v)) return duration(Math.abs(v.ms));
    const x = asNumber(v);
    return x === null ? null : Math.abs(x);
  })],
  ['power', numeric2(Math.pow)],
  ['pow', numeric2(Math.pow)],
  ['min', extremum(Math.min)],
  ['max', extremum(Math.max)],
  ['sqrt', numeric1(Math.sqrt)],
  ['trunc', numeric1(Math.trunc)],
  ['sign', numeric1(Math.sign)],
  ['radians', numeric1((d) => (d * Math.PI) / 180)],
  ['degrees', numeric1((r) => (r * 180) / Math.PI)],
  [
    'log',
    strict(
      1,
      (...values) => {
        // One argument: the natural log. Two: log(base, x), as Vectara documents.
        const [first, second] = values.map(asNumber);
        if (first === null || first === undefined) return null;
        if (values.length === 1) return num(Math.log(first));
        return second === null || second === undefined ? null : num(logBase(first, second));
      },
      2,
    ),
  ],
  ['ln', numeric1(Math.log)],
  ['log10', numeric1(Math.log10)],
  ['exp', numeric1(Math.exp)],
  ['sin', numeric1(Math.sin)],
  ['sind', numeric1(sinDegrees)],
  ['cos', numeric1(Math.cos)],
  ['cosd', numeric1((d) => sinDegrees(d + 90))],
  ['tan', numeric1(Math.tan)],
  ['tand', numeric1(tanDegrees)],
  ['floor', numeric1(Math.floor)],
  ['ceil', numeric1(Math.ceil)],
  ['round', numeric1(Math.round)],

  ['knee', knee],
]);
