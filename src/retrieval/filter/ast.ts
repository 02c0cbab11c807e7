/**
 * The typed syntax tree of a metadata filter expression (Vectara's `metadata_filter` language).
 *
 * Every node carries `at`: the 1-based column in the filter text of the token that introduced it
 * (for operators, the operator itself), so later stages can point at the offending spot.
 * Equality spellings are normalised (`==` is stored as `=`, `<>` as `!=`); AND / OR chains are
 * n-ary (`a AND b AND c` is one node with three operands; parentheses keep a nested node).
 */

export type Scope = 'doc' | 'part';

export type LiteralValue = string | number | boolean | null;

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface LiteralExpr {
  kind: 'literal';
  /** Numbers are always finite; `-5` in the text is folded into the literal -5. */
  value: LiteralValue;
  at: number;
}

/** `doc.name` or `part.name`. The name is the exact metadata key (dots included, no nesting). */
export interface RefExpr {
  kind: 'ref';
  scope: Scope;
  name: string;
  at: number;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '+' | '-';
  operand: FilterExpr;
  at: number;
}

export interface ArithmeticExpr {
  kind: 'arith';
  op: ArithmeticOp;
  left: FilterExpr;
  right: FilterExpr;
  at: number;
}

export interface CompareExpr {
  kind: 'compare';
  op: ComparisonOp;
  left: FilterExpr;
  right: FilterExpr;
  at: number;
}

export interface IsNullExpr {
  kind: 'isNull';
  operand: FilterExpr;
  /** `IS NOT NULL` */
  negated: boolean;
  at: number;
}

/**
 * `x IN (a, b, ...)`, `x NOT IN (...)`, and `x IN doc.list` (stored as a one-item list: an item
 * that is a list attribute stands for all of its elements).
 */
export interface InExpr {
  kind: 'in';
  operand: FilterExpr;
  items: FilterExpr[];
  negated: boolean;
  at: number;
}

export interface NotExpr {
  kind: 'not';
  operand: FilterExpr;
  at: number;
}

export interface LogicalExpr {
  kind: 'and' | 'or';
  /** Two or more. */
  operands: FilterExpr[];
  at: number;
}

export type FilterExpr =
  | LiteralExpr
  | RefExpr
  | UnaryExpr
  | ArithmeticExpr
  | CompareExpr
  | IsNullExpr
  | InExpr
  | NotExpr
  | LogicalExpr;

/** A stable key for an attribute reference, used by the resolved-attribute map. */
export const refKey = (scope: Scope, name: string): string => `${scope}\u0000${name}`;

/** How a reference is written in messages: `doc.year`, `part."my key"`. */
export const describeRef = (scope: Scope, name: string): string =>
  `${scope}.${BARE_NAME.test(name) ? name : `"${name.replaceAll('"', '""')}"`}`;

/**
 * Names that can be written without quotes after `doc.` / `part.`: word characters (any script),
 * optionally in dot-separated segments. Shared by the lexer and the printer so they always agree.
 */
export const BARE_NAME = /^[\p{L}\p{N}\p{M}_]+(?:\.[\p{L}\p{N}\p{M}_]+)*$/u;

/**
 * Deepest tree (and parser nesting) accepted. Keeps recursion in every stage far from the JS stack
 * limit and the compiled SQL well under SQLite's expression-depth limit (1000).
 */
export const MAX_FILTER_DEPTH = 100;
