/**
 * Turns a parsed user function into an evaluator: a tree of closures built once, run per result.
 *
 * This is where names are resolved: an unknown function or a wrong number of arguments is a 400
 * naming the function and its column, and so are bad literal arguments (see functions.ts). The
 * closures mirror the tree, whose height the parser has bounded, so evaluation cannot overflow the
 * stack. `&&`, `||` and the branches of `if` evaluate only what they need.
 */
import { invalidField } from '../../../domain/errors.js';
import type { UserFnExpr } from './ast.js';
import { FUNCTIONS, type Argument, type Evaluator } from './functions.js';
import { arithmetic, compare, unary } from './operators.js';
import { isTruthy, type Value } from './values.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "takes no arguments", "takes 1 argument", "takes 1 or 2 arguments", "takes at least 2 arguments". */
function arity(min: number, max: number): string {
  if (max === 0) return 'takes no arguments';
  if (min === max) return `takes ${plural(min, 'argument')}`;
  if (max === Infinity) return `takes at least ${plural(min, 'argument')}`;
  if (max === min + 1) return `takes ${min} or ${plural(max, 'argument')}`;
  return `takes ${min} to ${plural(max, 'argument')}`;
}

export function compileExpr(expr: UserFnExpr, field: string): Evaluator {
  const reject = (message: string): never => {
    throw invalidField(field, message);
  };

  const compile = (e: UserFnExpr): Evaluator => {
    switch (e.kind) {
      case 'literal': {
        const value: Value = e.value;
        return () => value;
      }
      case 'unary': {
        const operand = compile(e.operand);
        const op = e.op;
        return (ctx) => unary(op, operand(ctx));
      }
      case 'binary': {
        const left = compile(e.left);
        const right = compile(e.right);
        const op = e.op;
        switch (op) {
          case '+':
          case '-':
          case '*':
          case '/':
          case '%':
            return (ctx) => arithmetic(op, left(ctx), right(ctx));
          default:
            return (ctx) => compare(op, left(ctx), right(ctx));
        }
      }
      case 'logical': {
        const operands = e.operands.map(compile);
        // Short-circuit; the result is always a boolean.
        return e.op === '&&'
          ? (ctx) => operands.every((operand) => isTruthy(operand(ctx)))
          : (ctx) => operands.some((operand) => isTruthy(operand(ctx)));
      }
      case 'if': {
        const condition = compile(e.condition);
        const then = compile(e.then);
        const otherwise = compile(e.else);
        return (ctx) => (isTruthy(condition(ctx)) ? then(ctx) : otherwise(ctx));
      }
      case 'call': {
        const spec = FUNCTIONS.get(e.name);
        if (!spec) return reject(`unknown function '${e.name}' at column ${e.at}`);
        if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
          reject(
            `${e.name}() at column ${e.at} ${arity(spec.minArgs, spec.maxArgs)}, ` +
              `but ${e.args.length === 0 ? 'none were' : e.args.length === 1 ? '1 was' : `${e.args.length} were`} given`,
          );
        }
        const args: Argument[] = e.args.map((arg) => ({
          evaluate: compile(arg),
          at: arg.at,
          ...(arg.kind === 'literal' ? { literal: { value: arg.value } } : {}),
        }));
        return spec.build(args, reject, { name: e.name, at: e.at });
      }
    }
  };

  return compile(expr);
}
