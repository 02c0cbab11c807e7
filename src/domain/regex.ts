import { invalidField } from './errors.js';

/** Checks a user-supplied regular expression before it reaches storage. */
export function checkRegex(field: string, pattern: string | undefined): string | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  try {
    new RegExp(pattern);
  } catch (err) {
    throw invalidField(field, `is not a valid regular expression (${(err as Error).message})`);
  }
  return pattern;
}
