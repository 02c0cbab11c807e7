import { expect } from 'vitest';
import { QuarryError } from '../../src/domain/errors.js';

/** The field_errors of the 400 that `fn` throws (fails the test if it throws nothing or something else). */
export function fieldErrors(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QuarryError);
    expect((error as QuarryError).status).toBe(400);
    expect((error as QuarryError).bodyKind).toBe('bad_request');
    return (error as QuarryError).details.fieldErrors ?? {};
  }
  throw new Error('expected a 400 error');
}
