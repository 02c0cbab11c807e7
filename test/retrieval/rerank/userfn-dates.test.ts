/**
 * User functions: datetimes and durations, with a fixed `now`.
 */
import { describe, expect, it } from 'vitest';
import { compileUserFunction, type UserFnRow } from '../../../src/retrieval/rerank/userfn/index.js';
import { compileDateTimePattern, parseIsoDateTime } from '../../../src/retrieval/rerank/userfn/datetime.js';

const FIELD = 'search.reranker.user_function';
const NOW = new Date('2024-12-04T10:14:50Z');
const NOW_S = NOW.getTime() / 1000;

const row = (document_metadata: Record<string, unknown> = {}): UserFnRow => ({
  score: 0.5,
  text: '',
  document_id: 'd',
  document_metadata,
  part_metadata: {},
});
const run = (source: string, r: UserFnRow = row(), now: Date = NOW) => compileUserFunction(source, FIELD).evaluate(r, now);
const unix = (source: string) => run(`to_unix_timestamp(${source})`);

/** Pattern parse to ISO text (or null), for readable expectations. */
const parsePattern = (text: string, pattern: string): string | null => {
  const compiled = compileDateTimePattern(pattern);
  if ('error' in compiled) throw new Error(compiled.error);
  const ms = compiled(text);
  return ms === null ? null : new Date(ms).toISOString();
};
const iso = (text: string): string | null => {
  const ms = parseIsoDateTime(text);
  return ms === null ? null : new Date(ms).toISOString();
};

describe('now() and to_unix_timestamp()', () => {
  it('read the instant passed to evaluate', () => {
    expect(unix('now()')).toBe(NOW_S);
    expect(run('to_unix_timestamp(now())', row(), new Date(1500))).toBe(1); // whole seconds, floored
    expect(run('to_unix_timestamp(now())', row(), new Date(-1500))).toBe(-2);
  });

  it('default to the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const seen = compileUserFunction('to_unix_timestamp(now())', FIELD).evaluate(row());
    expect(seen).toBeGreaterThanOrEqual(before);
    expect(seen).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('give null for an invalid instant and for non-datetimes', () => {
    expect(run('to_unix_timestamp(now())', row(), new Date(Number.NaN))).toBeNull();
    expect(run('now() == null', row(), new Date(Number.NaN))).toBe(1);
    expect(run('to_unix_timestamp(5)')).toBeNull();
    expect(run("to_unix_timestamp('2024-01-01')")).toBeNull();
    expect(run('to_unix_timestamp(hours(1))')).toBeNull();
  });
});

describe('durations', () => {
  it('convert to and from numbers with seconds, minutes, hours (and days)', () => {
    expect(run('seconds(minutes(1)) == 60')).toBe(1);
    expect(run('hours(minutes(60)) == 1')).toBe(1);
    expect(run('minutes(hours(1)) == 60')).toBe(1);
    expect(run('seconds(seconds(50))')).toBe(50);
    expect(run('minutes(minutes(80))')).toBe(80);
    expect(run('seconds(hours(1.5))')).toBe(5400);
    expect(run('hours(days(2))')).toBe(48);
    expect(run('as_days(hours(36))')).toBe(1.5);
    expect(run('as_days(3)')).toBeNull();
    expect(run("seconds('5')")).toBeNull();
  });

  it('come from subtracting datetimes and combine with datetimes and numbers', () => {
    expect(run("hours(now() - iso_datetime_parse('2024-12-04T08:14:50Z'))")).toBe(2);
    expect(run("hours(iso_datetime_parse('2024-12-04T08:14:50Z') - now())")).toBe(-2);
    expect(unix('now() - hours(2)')).toBe(NOW_S - 7200);
    expect(unix('now() + minutes(1)')).toBe(NOW_S + 60);
    expect(unix('minutes(1) + now()')).toBe(NOW_S + 60);
    expect(run('seconds(minutes(1) + seconds(30))')).toBe(90);
    expect(run('seconds(minutes(1) - seconds(30))')).toBe(30);
    expect(run('seconds(minutes(2) * 3)')).toBe(360);
    expect(run('seconds(3 * minutes(2))')).toBe(360);
    expect(run('seconds(minutes(3) / 2)')).toBe(90);
    expect(run('hours(1) / minutes(15)')).toBe(4);
    expect(run('seconds(-minutes(1))')).toBe(-60);
    expect(run('seconds(abs(seconds(-5)))')).toBe(5);
  });

  it('refuse meaningless combinations with null', () => {
    for (const source of ['now() + now()', 'now() * 2', 'hours(1) + 1', '1 - hours(1)', 'now() - 1', 'hours(1) % hours(1)', 'now() / hours(1)', 'hours(1) * hours(1)']) {
      expect(run(`${source} == null`), source).toBe(1);
    }
  });

  it('order datetimes with datetimes and durations with durations', () => {
    expect(run("now() > iso_datetime_parse('2024-01-01T00:00:00Z')")).toBe(1);
    expect(run("now() == iso_datetime_parse('2024-12-04T10:14:50Z')")).toBe(1);
    expect(run("now() != iso_datetime_parse('2024-12-04T10:14:50.001Z')")).toBe(1);
    expect(run('hours(1) < minutes(61)')).toBe(1);
    expect(run('hours(1) == minutes(60)')).toBe(1);
    expect(run('hours(1) == now()')).toBe(0);
  });

  it('express recency boosts', () => {
    const decay = "get('$.score') * exp(-hours(now() - iso_datetime_parse(get('$.document_metadata.published'))) / 24)";
    expect(run(decay, row({ published: '2024-12-04T10:14:50Z' }))).toBe(0.5);
    expect(run(decay, row({ published: '2024-12-03T10:14:50Z' }))).toBeCloseTo(0.5 / Math.E, 12);
    expect(run(decay, row({ published: 'yesterday' }))).toBeNull();
    expect(run(decay, row({}))).toBeNull();
    const fallback = "if (get('$.document_metadata.published') == null) get('$.score') * 0.5 else get('$.score')";
    expect(run(fallback, row({}))).toBe(0.25);
  });
});

describe('iso_datetime_parse()', () => {
  it('accepts ISO 8601 date-times with or without offset, fraction, seconds or time', () => {
    expect(iso('2024-12-04T10:14:50Z')).toBe('2024-12-04T10:14:50.000Z');
    expect(iso('2024-12-04t10:14:50z')).toBe('2024-12-04T10:14:50.000Z');
    expect(iso('2024-12-04T10:14:50.123Z')).toBe('2024-12-04T10:14:50.123Z');
    expect(iso('2024-12-04T10:14:50,5Z')).toBe('2024-12-04T10:14:50.500Z');
    expect(iso('2024-12-04T10:14:50.123456789Z')).toBe('2024-12-04T10:14:50.123Z');
    expect(iso('2024-12-04T10:14:50+02:00')).toBe('2024-12-04T08:14:50.000Z');
    expect(iso('2024-12-04T10:14:50-0530')).toBe('2024-12-04T15:44:50.000Z');
    expect(iso('2024-12-04T10:14:50+01')).toBe('2024-12-04T09:14:50.000Z');
    expect(iso('2024-12-04T10:14:50')).toBe('2024-12-04T10:14:50.000Z');
    expect(iso('2024-12-04 10:14')).toBe('2024-12-04T10:14:00.000Z');
    expect(iso('2024-12-04')).toBe('2024-12-04T00:00:00.000Z');
    expect(iso('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(' 2024-12-04 ')).toBe('2024-12-04T00:00:00.000Z');
    expect(iso('0099-01-01')).toBe('0099-01-01T00:00:00.000Z');
  });

  it('refuses other text and impossible dates', () => {
    for (const text of [
      '', 'now', '2024', '2024-12', '20241204', '2024-1-4', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31',
      '2024-12-04T24:00', '2024-12-04T10:60', '2024-12-04T10:14:60Z', '2024-12-04T10:14:50+25:00', '2024-12-04T10:14:50 Z',
      'Wed, 04 Dec 2024 10:14:50 GMT', '1733307290',
    ]) {
      expect(iso(text), text).toBeNull();
    }
  });

  it('gives null at run time for bad text, and passes datetimes through', () => {
    expect(run("iso_datetime_parse(get('$.document_metadata.d')) == null", row({ d: 'soon' }))).toBe(1);
    expect(run("iso_datetime_parse(get('$.document_metadata.d')) == null", row({ d: 20240101 }))).toBe(1);
    expect(unix('iso_datetime_parse(now())')).toBe(NOW_S);
    expect(unix("iso_date_time_parse('2024-12-04T10:14:50Z')")).toBe(NOW_S);
  });
});

describe('datetime_parse()', () => {
  it('parses the documented example', () => {
    expect(unix("datetime_parse('2024 02 09', 'yyyy MM dd')")).toBe(Date.UTC(2024, 1, 9) / 1000);
  });

  it('understands the common Java pattern letters', () => {
    expect(parsePattern('2024-02-09 13:45:30', 'yyyy-MM-dd HH:mm:ss')).toBe('2024-02-09T13:45:30.000Z');
    expect(parsePattern('2024-02-09T13:45:30.25+01:00', "uuuu-MM-dd'T'HH:mm:ss.SSXXX")).toBe('2024-02-09T12:45:30.250Z');
    expect(parsePattern('09/02/24', 'dd/MM/yy')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern('9.2.2024', 'd.M.yyyy')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern('Feb 9, 2024', 'MMM d, yyyy')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern('february 9 2024', 'MMMM d yyyy')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern('Fri, 09 Feb 2024 01:02:03 +0000', 'EEE, dd MMM yyyy HH:mm:ss Z')).toBe('2024-02-09T01:02:03.000Z');
    expect(parsePattern('Friday 9 February 2024', 'EEEE d MMMM yyyy')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern('12:30 AM', 'hh:mm a')).toBe('1970-01-01T00:30:00.000Z');
    expect(parsePattern('1:30 pm', 'h:mm a')).toBe('1970-01-01T13:30:00.000Z');
    expect(parsePattern('2024-040', 'yyyy-DDD')).toBe('2024-02-09T00:00:00.000Z');
    expect(parsePattern("2024 o'clock", "yyyy 'o''clock'")).toBe('2024-01-01T00:00:00.000Z');
    expect(parsePattern("'2024", "''yyyy")).toBe('2024-01-01T00:00:00.000Z');
    expect(parsePattern('20240209', 'yyyyMMdd')).toBe('2024-02-09T00:00:00.000Z');
  });

  it('gives null when the text does not match or is impossible', () => {
    expect(parsePattern('2024-02-30', 'yyyy-MM-dd')).toBeNull();
    expect(parsePattern('2024-2-09', 'yyyy-MM-dd')).toBeNull();
    expect(parsePattern('2024-02-09 extra', 'yyyy-MM-dd')).toBeNull();
    expect(parsePattern('2024-02', 'yyyy-MM-dd')).toBeNull();
    expect(parsePattern('13:00 PM', 'hh:mm a')).toBeNull();
    expect(parsePattern('Foo 9 2024', 'MMM d yyyy')).toBeNull();
    expect(parsePattern('2024-366', 'yyyy-DDD')).toBe('2024-12-31T00:00:00.000Z');
    expect(parsePattern('2023-366', 'yyyy-DDD')).toBeNull();
    expect(run("datetime_parse(get('$.document_metadata.d'), 'yyyy') == null", row({ d: 2024 }))).toBe(1);
  });

  it('takes a computed pattern, giving null for an unsupported one', () => {
    expect(unix("datetime_parse('2024', get('$.document_metadata.p'))")).toBeNull();
    expect(run("to_unix_timestamp(datetime_parse('2024', get('$.document_metadata.p')))", row({ p: 'yyyy' }))).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(run("datetime_parse('2024', get('$.document_metadata.p')) == null", row({ p: 'QQQ' }))).toBe(1);
  });
});
