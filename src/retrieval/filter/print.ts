/**
 * Prints a filter tree back to canonical filter text: upper-case keywords, lower-case literals
 * (`true`, `false`, `null`), `=` and `!=` for equality, and only the parentheses the precedence
 * needs. Contract: parseFilter(printFilter(e)) equals e apart from the `at` columns, for every
 * tree the parser can produce (the property tests check this).
 */
import { BARE_NAME, type FilterExpr, type LiteralValue } from './ast.js';

/** Binding strength per grammar level (higher binds tighter). */
const PREC = {
  or: 1,
  and: 2,
  not: 3,
  in: 4,
  isNull: 5,
  equality: 6,
  relational: 7,
  additive: 8,
  multiplicative: 9,
  unary: 10,
  primary: 11,
} as const;

const precedenceOf = (e: FilterExpr): number => {
  switch (e.kind) {
    case 'or':
    case 'and':
    case 'not':
    case 'in':
    case 'isNull':
    case 'unary':
      return PREC[e.kind];
    case 'compare':
      return e.op === '=' || e.op === '!=' ? PREC.equality : PREC.relational;
    case 'arith':
      return e.op === '+' || e.op === '-' ? PREC.additive : PREC.multiplicative;
    case 'literal':
    case 'ref':
      return PREC.primary;
  }
};

const formatNumber = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

export const printLiteral = (value: LiteralValue): string => {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  return `'${value.replaceAll("'", "''")}'`;
};

export function printFilter(e: FilterExpr): string {
  return print(e, 0);
}

function print(e: FilterExpr, minPrec: number): string {
  const text = render(e);
  return precedenceOf(e) < minPrec ? `(${text})` : text;
}

function render(e: FilterExpr): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e.value);
    case 'ref':
      return `${e.scope}.${BARE_NAME.test(e.name) ? e.name : `"${e.name.replaceAll('"', '""')}"`}`;
    case 'unary': {
      // A number right after a sign would be folded into the literal, so keep it in parentheses.
      const operand = e.operand.kind === 'literal' && typeof e.operand.value === 'number'
        ? `(${render(e.operand)})`
        : print(e.operand, PREC.unary);
      return `${e.op}${operand.startsWith('-') || operand.startsWith('+') ? ' ' : ''}${operand}`;
    }
    case 'arith':
    case 'compare': {
      const prec = precedenceOf(e);
      return `${print(e.left, prec)} ${e.op} ${print(e.right, prec + 1)}`;
    }
    case 'isNull':
      return `${print(e.operand, PREC.isNull)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'in': {
      const items = e.items.map((item) => print(item, 0)).join(', ');
      return `${print(e.operand, PREC.in)} ${e.negated ? 'NOT ' : ''}IN (${items})`;
    }
    case 'not':
      return `NOT ${print(e.operand, PREC.not)}`;
    case 'and':
    case 'or': {
      const prec = PREC[e.kind];
      return e.operands.map((operand) => print(operand, prec + 1)).join(` ${e.kind.toUpperCase()} `);
    }
  }
}
