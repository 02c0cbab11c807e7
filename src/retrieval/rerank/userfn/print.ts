/**
 * Canonical text of a user function tree: every operation in parentheses, so the printed text
 * parses back to the same tree whatever the precedence rules (a round trip the tests check).
 */
import type { LiteralValue, UserFnExpr } from './ast.js';

const printLiteral = (value: LiteralValue): string => {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return String(value);
};

export function printUserFunction(e: UserFnExpr): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e.value);
    case 'unary':
      return `${e.op}(${printUserFunction(e.operand)})`;
    case 'binary':
      return `(${printUserFunction(e.left)} ${e.op} ${printUserFunction(e.right)})`;
    case 'logical':
      return `(${e.operands.map(printUserFunction).join(` ${e.op} `)})`;
    case 'if':
      return `(if (${printUserFunction(e.condition)}) ${printUserFunction(e.then)} else ${printUserFunction(e.else)})`;
    case 'call':
      return `${e.name}(${e.args.map(printUserFunction).join(', ')})`;
  }
}
