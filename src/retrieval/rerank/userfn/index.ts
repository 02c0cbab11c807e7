/**
 * User functions: the expression language of Vectara's `userfn` reranker (`user_function`).
 *
 *   compileUserFunction(source, field)  parses and checks once; 400 naming `field` on any error
 *   fn.evaluate(row, now)               the row's new score, or null to drop the row; never throws
 *
 * The language (see parser.ts for the grammar, functions.ts for the functions, operators.ts and
 * values.ts for the semantics) reads the result through get('$.path'), e.g.
 *   if (get('$.part_metadata.lang') == 'fra') get('$.score') * 1.6 else get('$.score')
 *
 * The final value becomes the score as follows:
 *   - a finite number is the new score;
 *   - a boolean is 1 (true) or 0 (false), as booleans are numbers everywhere else in the language;
 *   - null, a non-finite number, a string, a datetime or a duration is null: the row is dropped.
 *     (Vectara drops rows whose function gives null; a function that does not give a number is
 *     a mistake, and dropping shows it rather than inventing a score.)
 */
import { invalidField } from '../../../domain/errors.js';
import { MAX_USERFN_LENGTH } from './ast.js';
import { compileExpr } from './compile.js';
import type { EvalContext } from './functions.js';
import { parseUserFunction } from './parser.js';
import type { UserFnRow, UserFunction } from './types.js';
import { asNumber, type Value } from './values.js';

export type { UserFnRow, UserFunction } from './types.js';

/** The score a final value stands for (see the module comment). */
const toScore = (v: Value): number | null => {
  if (typeof v !== 'number' && typeof v !== 'boolean') return null;
  const n = asNumber(v);
  return n !== null && Number.isFinite(n) ? n : null;
};

/**
 * Parses and checks the text once; throws a 400 QuarryError naming `field` with a precise message
 * (what was expected, at which column) on a syntax error, an unknown function or a wrong number
 * of arguments.
 */
export function compileUserFunction(source: string, field: string): UserFunction {
  if (typeof source !== 'string') throw invalidField(field, 'must be a string');
  if (source.length > MAX_USERFN_LENGTH) {
    throw invalidField(field, `the function is ${source.length} characters long; at most ${MAX_USERFN_LENGTH} are allowed`);
  }
  const evaluator = compileExpr(parseUserFunction(source, field), field);
  return {
    source,
    evaluate(row: UserFnRow, now?: Date): number | null {
      const ctx: EvalContext = { row, nowMs: now ? now.getTime() : Date.now() };
      try {
        return toScore(evaluator(ctx));
      } catch {
        // Unreachable by design (every operation is total); a row must never fail a query.
        return null;
      }
    },
  };
}
