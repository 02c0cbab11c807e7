/**
 * The JSONPath subset `get` reads, and reading it from a result.
 *
 * A path starts with `$` (the result) and continues with any number of steps:
 *   .name        a key: any characters but . [ ] ' " (whitespace around the name is ignored)
 *   ['key'] ["key"]  a key in brackets, for keys with dots, spaces or quotes; inside the quotes
 *                a backslash escapes the next character
 *   [n]          an array element; negative n counts from the end ([-1] is the last)
 * e.g. `$.score`, `$.document_metadata.year`, `$.document_metadata.reviews[0].score`,
 * `$.part_metadata['release.date']`. Wildcards, recursive descent, slices, unions and filters
 * select several values, which a score cannot use, so they are refused.
 *
 * The result reads as `{ score, text, document_id, document_metadata, part_metadata }` (see
 * UserFnRow). A step that finds nothing (a missing key, an index out of range, a key on a
 * non-object) gives undefined, which `get` turns into null. Only own properties are read, so
 * `$.document_metadata.constructor` is missing rather than a function.
 */
import type { UserFnRow } from './types.js';

export type PathStep = string | number;

const ROOT_FIELDS: ReadonlySet<string> = new Set(['score', 'text', 'document_id', 'document_metadata', 'part_metadata']);

/** The steps of a path, or an error message naming the 1-based position of the problem. */
export function parseJsonPath(path: string): PathStep[] | { error: string } {
  const fail = (message: string, index: number) => ({ error: `${message} at position ${index + 1}` });
  if (path[0] !== '$') return fail("expected '$' (a path starts at the result, e.g. '$.score')", 0);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '.') return fail('recursive descent (..) is not supported', i);
      let j = i + 1;
      while (j < path.length && !'.[]\'"'.includes(path[j] as string)) j += 1;
      const name = path.slice(i + 1, j).trim();
      if (name === '*') return fail('wildcards (*) are not supported', i + 1);
      if (name === '') return fail("expected a key after '.'", i);
      steps.push(name);
      i = j;
    } else if (ch === '[') {
      const quote = path[i + 1];
      if (quote === "'" || quote === '"') {
        let key = '';
        let j = i + 2;
        while (j < path.length && path[j] !== quote) {
          if (path[j] === '\\' && j + 1 < path.length) j += 1;
          key += path[j];
          j += 1;
        }
        if (j >= path.length) return fail(`a quoted key is missing its closing ${quote}; it starts`, i + 1);
        if (path[j + 1] !== ']') return fail("expected ']' after the quoted key", j + 1);
        steps.push(key);
        i = j + 2;
      } else {
        const m = /^\[\s*(-?\d+)\s*\]/.exec(path.slice(i));
        if (!m) return fail("expected an index such as [0] or a quoted key such as ['name'] (wildcards, slices and filters are not supported)", i);
        steps.push(Number(m[1]));
        i += m[0].length;
      }
    } else {
      return fail(`expected '.' or '[' but found '${ch}'`, i);
    }
  }
  return steps;
}

/** Own, enumerable-or-not property of a plain object; undefined otherwise. */
const own = (container: unknown, key: string): unknown =>
  typeof container === 'object' && container !== null && !Array.isArray(container) && Object.hasOwn(container, key)
    ? (container as Record<string, unknown>)[key]
    : undefined;

/** Follows the steps through the result; undefined when anything along the way is missing. */
export function readPath(row: UserFnRow, steps: readonly PathStep[]): unknown {
  if (steps.length === 0) return row;
  const [first, ...rest] = steps;
  if (typeof first !== 'string' || !ROOT_FIELDS.has(first)) return undefined;
  let current: unknown = row[first as keyof UserFnRow];
  for (const step of rest) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      const index = step < 0 ? current.length + step : step;
      current = index >= 0 && index < current.length ? (current[index] as unknown) : undefined;
    } else {
      current = own(current, step);
    }
    if (current === undefined) return undefined;
  }
  return current;
}
