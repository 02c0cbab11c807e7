/**
 * Parsing date-times for `iso_datetime_parse` and `datetime_parse`.
 *
 * Both give milliseconds since the epoch (UTC), or null when the text does not match or names an
 * impossible date. They never throw and never fall back to JS `Date.parse` heuristics.
 *
 * ISO 8601 (iso_datetime_parse): `YYYY-MM-DD`, optionally followed by `T` (or a space) and
 * `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fraction` (1-9 digits), optionally followed by `Z` or an
 * offset `±hh`, `±hhmm`, `±hh:mm`. Without an offset the time is taken as UTC; a bare date is
 * midnight UTC. (Java's ISO parsers are stricter about some of these; accepting them is harmless.)
 *
 * Patterns (datetime_parse) follow Java's DateTimeFormatter letters, the subset that makes sense
 * for parsing a point in time:
 *   y u  year      (yy: two digits, 2000-2099; y: 1+ digits; yyyy etc.: exactly that many)
 *   M    month     (M: 1-2 digits, MM: 2 digits, MMM: Jan, MMMM: January; names case-insensitive)
 *   d    day of month        D  day of year
 *   H    hour 0-23           h  hour 1-12 (with a)     a  AM / PM
 *   m    minute              s  second                 S  fraction of a second (n digits)
 *   E    day-of-week name (Mon / Monday), checked for form but otherwise ignored
 *   X x Z  offset: Z, ±hh, ±hhmm or ±hh:mm
 *   'text'  literal text ('' is a quote); any other non-letter stands for itself
 * One letter means "1 or more digits" (at most 2 for fields below 100, 9 for years); n letters
 * mean exactly n digits. Fields that are absent default to the start: year 1970, January, day 1,
 * midnight, UTC. Other letters (time-zone names, week-based fields, optional sections [ ]) are
 * refused when the pattern is compiled.
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

interface Fields {
  year: number;
  month: number;
  day: number;
  dayOfYear?: number;
  hour: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  /** Fraction of a second, in milliseconds (may have a fractional part). */
  fractionMs: number;
  /** Offset east of UTC, in minutes. */
  offsetMinutes: number;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number): number => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;

/** Epoch milliseconds of validated fields, or null for an impossible date or time. */
function toEpochMs(f: Fields): number | null {
  let { month, day, hour } = f;
  const { year } = f;
  if (f.dayOfYear !== undefined) {
    if (f.dayOfYear < 1 || f.dayOfYear > (isLeap(year) ? 366 : 365)) return null;
    const date = new Date(0);
    date.setUTCFullYear(year, 0, f.dayOfYear);
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  // `a` (AM / PM) only qualifies the 12-hour clock `h`; next to `H` it is checked but ignored.
  if (f.hour12 !== undefined) {
    if (f.hour12 < 1 || f.hour12 > 12) return null;
    hour = (f.hour12 % 12) + (f.pm ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || f.minute > 59 || f.second > 59 || Math.abs(f.offsetMinutes) > 18 * 60) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, f.minute, f.second, 0);
  const ms = date.getTime() + f.fractionMs - f.offsetMinutes * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

const defaults = (): Fields => ({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, fractionMs: 0, offsetMinutes: 0 });

/** Milliseconds of a fraction written with `digits` (the part after the decimal point). */
const fractionMs = (digits: string): number => (digits ? Number(`0.${digits}`) * 1000 : 0);

/** Minutes east of UTC for `Z` or `±hh[[:]mm]`; undefined when malformed. */
function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses an ISO 8601 date-time (see the module comment); null when it is not one. */
export function parseIsoDateTime(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const offset = m[8] === undefined ? 0 : parseOffset(m[8]);
  if (offset === undefined) return null;
  return toEpochMs({
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    fractionMs: fractionMs(m[7] ?? ''),
    offsetMinutes: offset,
  });
}

// ---------------------------------------------------------------------------------------------
// Java-style patterns

type Step =
  | { kind: 'literal'; text: string }
  | { kind: 'field'; letter: string; count: number };

/** A compiled pattern: parses text to epoch milliseconds, or null. */
export type DateTimePattern = (text: string) => number | null;

const SUPPORTED = new Set(['y', 'u', 'M', 'L', 'd', 'D', 'H', 'h', 'a', 'm', 's', 'S', 'E', 'X', 'x', 'Z']);

/**
 * Compiles a Java DateTimeFormatter pattern. Returns an error message (what is wrong, at which
 * 1-based position of the pattern) instead when the pattern uses something unsupported.
 */
export function compileDateTimePattern(pattern: string): DateTimePattern | { error: string } {
  const steps: Step[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) return { error: `the quote at position ${i + 1} is never closed` };
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      // '' on its own (j === i + 1) is a literal quote.
      steps.push({ kind: 'literal', text: j === i + 1 ? "'" : text });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      if (!SUPPORTED.has(ch)) return { error: `the pattern letter '${ch}' at position ${i + 1} is not supported` };
      let count = 1;
      while (pattern[i + count] === ch) count += 1;
      steps.push({ kind: 'field', letter: ch === 'u' ? 'y' : ch === 'L' ? 'M' : ch, count });
      i += count;
      continue;
    }
    if ('[]{}#'.includes(ch)) return { error: `'${ch}' at position ${i + 1} is reserved in patterns and not supported` };
    steps.push({ kind: 'literal', text: ch });
    i += 1;
  }
  return (text: string) => parseWithSteps(steps, text);
}

/** Reads digits at `pos`: exactly `count` of them when count > 1, else 1 up to `max`. */
function readDigits(text: string, pos: number, count: number, max: number): string | undefined {
  const want = count > 1 ? count : max;
  let end = pos;
  while (end < text.length && end - pos < want && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end += 1;
  const digits = text.slice(pos, end);
  if (digits.length === 0 || (count > 1 && digits.length !== count)) return undefined;
  return digits;
}

/** Matches one of `names` (full names, or their first three letters) case-insensitively. */
function readName(text: string, pos: number, names: readonly string[], full: boolean): { index: number; length: number } | undefined {
  const rest = text.slice(pos).toLowerCase();
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    const candidate = full ? name : name.slice(0, 3);
    if (rest.startsWith(candidate)) return { index, length: candidate.length };
  }
  return undefined;
}

function parseWithSteps(steps: readonly Step[], text: string): number | null {
  const f = defaults();
  let pos = 0;
  for (const step of steps) {
    if (step.kind === 'literal') {
      if (!text.startsWith(step.text, pos)) return null;
      pos += step.text.length;
      continue;
    }
    const { letter, count } = step;
    if (letter === 'M' && count >= 3) {
      const name = readName(text, pos, MONTHS, count >= 4);
      if (!name) return null;
      f.month = name.index + 1;
      pos += name.length;
      continue;
    }
    if (letter === 'E') {
      const name = readName(text, pos, DAYS, count >= 4);
      if (!name) return null;
      pos += name.length;
      continue;
    }
    if (letter === 'a') {
      const marker = text.slice(pos, pos + 2).toUpperCase();
      if (marker !== 'AM' && marker !== 'PM') return null;
      f.pm = marker === 'PM';
      pos += 2;
      continue;
    }
    if (letter === 'X' || letter === 'x' || letter === 'Z') {
      const m = /^(?:[Zz]|[+-]\d{2}(?::?\d{2})?)/.exec(text.slice(pos));
      const offset = m ? parseOffset(m[0]) : undefined;
      if (!m || offset === undefined) return null;
      f.offsetMinutes = offset;
      pos += m[0].length;
      continue;
    }
    const max = letter === 'y' ? 9 : letter === 'D' ? 3 : letter === 'S' ? 9 : 2;
    const digits = readDigits(text, pos, count, max);
    if (digits === undefined) return null;
    pos += digits.length;
    const value = Number(digits);
    switch (letter) {
      case 'y':
        f.year = count === 2 ? 2000 + value : value;
        break;
      case 'M':
        f.month = value;
        break;
      case 'd':
        f.day = value;
        break;
      case 'D':
        f.dayOfYear = value;
        break;
      case 'H':
        f.hour = value;
        break;
      case 'h':
        f.hour12 = value;
        break;
      case 'm':
        f.minute = value;
        break;
      case 's':
        f.second = value;
        break;
      case 'S':
        f.fractionMs = fractionMs(digits);
        break;
    }
  }
  if (pos !== text.length) return null;
  return toEpochMs(f);
}
