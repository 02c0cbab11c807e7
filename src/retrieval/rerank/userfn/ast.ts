/**
 * The syntax tree of a user function (Vectara's "UserFn" expression language, the text of a
 * `userfn` reranker's `user_function`).
 *
 * Every node carries `at`: the 1-based column of the token that introduced it (for operators, the
 * operator itself), so the compiler can point at the offending spot. Spellings are normalised by
 * the parser: `===` is stored as `==`, `!==` as `!=`, the keywords `and` / `or` / `not` as
 * `&&` / `||` / `!`, and the three conditional forms (`if (c) a else b`, `if (c, a, b)`,
 * `c ? a : b`) all become one `if` node. `&&` / `||` chains are n-ary.
 */

export type LiteralValue = number | string | boolean | null;

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type BinaryOp = ArithmeticOp | ComparisonOp;

export interface LiteralExpr {
  kind: 'literal';
  /** Numbers are always finite; a sign written directly before a number is folded into it. */
  value: LiteralValue;
  at: number;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+' | '!';
  operand: UserFnExpr;
  at: number;
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: UserFnExpr;
  right: UserFnExpr;
  at: number;
}

export interface LogicalExpr {
  kind: 'logical';
  op: '&&' | '||';
  /** Two or more. */
  operands: UserFnExpr[];
  at: number;
}

export interface IfExpr {
  kind: 'if';
  condition: UserFnExpr;
  then: UserFnExpr;
  else: UserFnExpr;
  at: number;
}

export interface CallExpr {
  kind: 'call';
  /** Lower-cased: function names are case-insensitive. */
  name: string;
  args: UserFnExpr[];
  at: number;
}

export type UserFnExpr = LiteralExpr | UnaryExpr | BinaryExpr | LogicalExpr | IfExpr | CallExpr;

/** Longest source text accepted, in UTF-16 code units. */
export const MAX_USERFN_LENGTH = 10_000;

/**
 * Deepest tree (and parser nesting) accepted. Parsing, compiling and evaluating all recurse over
 * the tree, so this keeps every stage far from the JS stack limit whatever the input.
 */
export const MAX_USERFN_DEPTH = 64;

/** The direct children of a node, in source order. */
export const childrenOf = (e: UserFnExpr): UserFnExpr[] => {
  switch (e.kind) {
    case 'literal':
      return [];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'logical':
      return e.operands;
    case 'if':
      return [e.condition, e.then, e.else];
    case 'call':
      return e.args;
  }
};
