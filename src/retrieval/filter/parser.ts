/**
 * Recursive-descent parser for filter expressions.
 *
 * Grammar, loosest binding first (the precedence Vectara documents):
 *
 *   filter     := or END
 *   or         := and ( OR and )*
 *   and        := not ( AND not )*
 *   not        := NOT not | in
 *   in         := isnull ( [NOT] IN ( '(' or ( ',' or )* ')' | ref ) )*
 *   isnull     := equality ( IS [NOT] NULL )*
 *   equality   := relational ( ( = | == | != | <> ) relational )*
 *   relational := additive ( ( < | <= | > | >= ) additive )*
 *   additive   := multiplicative ( ( + | - ) multiplicative )*
 *   multiplicative := unary ( ( * | / | % ) unary )*
 *   unary      := ( + | - ) unary | primary
 *   primary    := number | text | TRUE | FALSE | NULL | ref | '(' or ')'
 *
 * Binary operators associate to the left. A sign directly before a number literal is folded
 * into it (`-5` is the literal -5; `-(5)` stays a unary minus). `NOT IN` is an extension, sugar
 * for NOT around the IN. Every error is a 400 naming the field, what was expected and the column.
 */
import {
  MAX_FILTER_DEPTH,
  type ArithmeticOp,
  type ComparisonOp,
  type FilterExpr,
  type RefExpr,
} from './ast.js';
import { snippet, tokenize, type Keyword, type OperatorText, type Token } from './lexer.js';
import { TokenParser } from '../parsing.js';

const childrenOf = (e: FilterExpr): FilterExpr[] => {
  switch (e.kind) {
    case 'literal':
    case 'ref':
      return [];
    case 'unary':
    case 'not':
    case 'isNull':
      return [e.operand];
    case 'arith':
    case 'compare':
      return [e.left, e.right];
    case 'in':
      return [e.operand, ...e.items];
    case 'and':
    case 'or':
      return e.operands;
  }
};

class Parser extends TokenParser<Token, FilterExpr, OperatorText, Keyword> {
  constructor(tokens: Token[], field: string) {
    super(tokens, field, { maxDepth: MAX_FILTER_DEPTH, noun: 'filter', children: childrenOf });
  }

  parseFilter(): FilterExpr {
    const expr = this.or();
    if (this.peek().type !== 'end') this.expected('AND, OR or the end of the filter');
    return expr;
  }

  private logical(kind: 'and' | 'or', keyword: Keyword, operand: () => FilterExpr): FilterExpr {
    const first = operand();
    if (!this.isKeyword(keyword)) return first;
    const at = this.peek().at;
    const operands = [first];
    while (this.isKeyword(keyword)) {
      this.next();
      operands.push(operand());
    }
    return this.node({ kind, operands, at });
  }

  private or(): FilterExpr {
    return this.logical('or', 'OR', () => this.and());
  }

  private and(): FilterExpr {
    return this.logical('and', 'AND', () => this.not());
  }

  private not(): FilterExpr {
    if (!this.isKeyword('NOT')) return this.in();
    const at = this.next().at;
    return this.nested(at, () => this.node({ kind: 'not', operand: this.not(), at }));
  }

  private in(): FilterExpr {
    let left = this.isNull();
    for (;;) {
      const negated = this.isKeyword('NOT') && this.isKeyword('IN', 1);
      if (!negated && !this.isKeyword('IN')) return left;
      const at = this.next().at;
      if (negated) this.next();
      left = this.node({ kind: 'in', operand: left, items: this.inItems(), negated, at });
    }
  }

  private inItems(): FilterExpr[] {
    const t = this.peek();
    if (t.type === 'ref') {
      this.next();
      return [this.node<RefExpr>({ kind: 'ref', scope: t.scope, name: t.name, at: t.at })];
    }
    if (!this.isOp('(')) this.expected("'(' or a list attribute after IN");
    const open = this.next();
    return this.nested(open.at, () => {
      const items = [this.or()];
      while (this.isOp(',')) {
        this.next();
        items.push(this.or());
      }
      if (!this.isOp(')')) this.expected("',' or ')'");
      this.next();
      return items;
    });
  }

  private isNull(): FilterExpr {
    let left = this.equality();
    while (this.isKeyword('IS')) {
      const at = this.next().at;
      const negated = this.isKeyword('NOT');
      if (negated) this.next();
      if (!this.isKeyword('NULL')) this.expected(negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
      this.next();
      left = this.node({ kind: 'isNull', operand: left, negated, at });
    }
    return left;
  }

  private binary<Op extends string>(
    kind: 'compare' | 'arith',
    ops: readonly Op[],
    operand: () => FilterExpr,
  ): FilterExpr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !(ops as readonly string[]).includes(t.value)) return left;
      this.next();
      const right = operand();
      left =
        kind === 'compare'
          ? this.node({ kind, op: t.value as ComparisonOp, left, right, at: t.at })
          : this.node({ kind, op: t.value as ArithmeticOp, left, right, at: t.at });
    }
  }

  private equality(): FilterExpr {
    return this.binary('compare', ['=', '!='], () => this.relational());
  }

  private relational(): FilterExpr {
    return this.binary('compare', ['<', '<=', '>', '>='], () => this.additive());
  }

  private additive(): FilterExpr {
    return this.binary('arith', ['+', '-'], () => this.multiplicative());
  }

  private multiplicative(): FilterExpr {
    return this.binary('arith', ['*', '/', '%'], () => this.unary());
  }

  private unary(): FilterExpr {
    const t = this.peek();
    if (t.type !== 'op' || (t.value !== '-' && t.value !== '+')) return this.primary();
    this.next();
    const after = this.peek();
    if (after.type === 'number') {
      this.next();
      return this.node({ kind: 'literal', value: t.value === '-' ? -after.value : after.value, at: t.at });
    }
    const op = t.value;
    return this.nested(t.at, () => this.node({ kind: 'unary', op, operand: this.unary(), at: t.at }));
  }

  private primary(): FilterExpr {
    const t = this.peek();
    switch (t.type) {
      case 'number':
      case 'text':
        this.next();
        return this.node({ kind: 'literal', value: t.value, at: t.at });
      case 'ref':
        this.next();
        return this.node({ kind: 'ref', scope: t.scope, name: t.name, at: t.at });
      case 'keyword':
        if (t.value === 'TRUE' || t.value === 'FALSE' || t.value === 'NULL') {
          this.next();
          return this.node({ kind: 'literal', value: t.value === 'NULL' ? null : t.value === 'TRUE', at: t.at });
        }
        break;
      case 'word':
        return this.fail(
          `expected an attribute at column ${t.at}, found '${snippet(t.text)}'; ` +
            `write doc.${snippet(t.text)} or part.${snippet(t.text)}`,
        );
      case 'op':
        if (t.value === '(') {
          this.next();
          return this.nested(t.at, () => {
            const inner = this.or();
            if (!this.isOp(')')) this.expected("')'");
            this.next();
            return inner;
          });
        }
        break;
      case 'end':
        break;
    }
    return this.expected("a value, an attribute or '('");
  }
}

/**
 * Parses filter text into a tree. Returns null when the text is empty or only whitespace (Vectara
 * treats an empty filter as no filter). Throws a 400 QuarryError for `field` on any syntax error.
 */
export function parseFilter(text: string, field: string): FilterExpr | null {
  const tokens = tokenize(text, field);
  if (tokens.length === 1) return null;
  return new Parser(tokens, field).parseFilter();
}
