/**
 * Recursive-descent parser for user functions.
 *
 * A user function is one expression: there are no statements or variables. Grammar, loosest
 * binding first:
 *
 *   function    := expr END
 *   expr        := conditional
 *   conditional := or [ '?' expr ':' conditional ]
 *   or          := and ( ( '||' | OR ) and )*
 *   and         := not ( ( '&&' | AND ) not )*
 *   not         := NOT not | equality
 *   equality    := relational ( ( '==' | '!=' ) relational )*
 *   relational  := additive ( ( '<' | '<=' | '>' | '>=' ) additive )*
 *   additive    := multiplicative ( ( '+' | '-' ) multiplicative )*
 *   multiplicative := unary ( ( '*' | '/' | '%' ) unary )*
 *   unary       := ( '-' | '+' | '!' ) unary | primary
 *   primary     := number | string | TRUE | FALSE | NULL
 *                | IF if-rest
 *                | name '(' [ expr ( ',' expr )* ] ')'
 *                | '(' expr ')'
 *   if-rest     := '(' expr ')' [ THEN ] expr ELSE expr       -- the documented form
 *                | '(' expr ',' expr ',' expr ')'              -- function style
 *                | expr THEN expr ELSE expr                    -- without parentheses
 *
 * Binary operators associate to the left; `? :` to the right. An `if` branch is a whole
 * expression, so `if (c) a else b + 1` adds 1 in the else branch only; wrap the `if` in
 * parentheses to use it as an operand.
 *
 * Choices where Vectara's documentation is loose:
 *  - Vectara lists its operators as "* / % + - < <= >= > || && == !" and says that is the
 *    precedence order, which cannot be meant literally (it would put `==` below `&&` and `!`
 *    last). We use the conventional C/Java order above, which agrees with every documented example.
 *  - The keyword NOT binds loosely (SQL style: `not a == b` is `not (a == b)`), `!` tightly (C
 *    style: `!a == b` is `(!a) == b`). AND / OR are the same operators as && / ||.
 *  - `if (c, a, b)`, `if c then a else b`, `c ? a : b` and `===` all appear in Vectara's examples,
 *    so they are accepted as spellings of the documented `if (c) a else b` and `==`.
 *  - A sign written directly before a number is folded into the literal (`-5` is the literal -5).
 *
 * Every error is a 400 naming the field, what was expected and the column.
 */
import {
  MAX_USERFN_DEPTH,
  childrenOf,
  type BinaryOp,
  type UserFnExpr,
} from './ast.js';
import { snippet, tokenize, type Keyword, type OperatorText, type Token } from './lexer.js';
import { TokenParser } from '../../parsing.js';

class Parser extends TokenParser<Token, UserFnExpr, OperatorText, Keyword> {
  constructor(tokens: Token[], field: string) {
    super(tokens, field, { maxDepth: MAX_USERFN_DEPTH, noun: 'function', children: childrenOf });
  }

  parseFunction(): UserFnExpr {
    if (this.peek().type === 'end') this.fail('the function is empty; write an expression such as get(\'$.score\')');
    const expr = this.expr();
    if (this.peek().type !== 'end') this.expected('an operator or the end of the function');
    return expr;
  }

  private expr(): UserFnExpr {
    return this.conditional();
  }

  private conditional(): UserFnExpr {
    const condition = this.or();
    if (!this.isOp('?')) return condition;
    const at = this.next().at;
    return this.nested(at, () => {
      const then = this.expr();
      this.expectOp(':', "':' of the '?' conditional");
      return this.node({ kind: 'if', condition, then, else: this.conditional(), at });
    });
  }

  private logical(op: '&&' | '||', keyword: Keyword, operand: () => UserFnExpr): UserFnExpr {
    const first = operand();
    const isSeparator = () => this.isOp(op) || this.isKeyword(keyword);
    if (!isSeparator()) return first;
    const at = this.peek().at;
    const operands = [first];
    while (isSeparator()) {
      this.next();
      operands.push(operand());
    }
    return this.node({ kind: 'logical', op, operands, at });
  }

  private or(): UserFnExpr {
    return this.logical('||', 'OR', () => this.and());
  }

  private and(): UserFnExpr {
    return this.logical('&&', 'AND', () => this.not());
  }

  private not(): UserFnExpr {
    if (!this.isKeyword('NOT')) return this.equality();
    const at = this.next().at;
    return this.nested(at, () => this.node({ kind: 'unary', op: '!', operand: this.not(), at }));
  }

  private binary(ops: readonly BinaryOp[], operand: () => UserFnExpr): UserFnExpr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !(ops as readonly string[]).includes(t.value)) return left;
      this.next();
      const right = operand();
      left = this.node({ kind: 'binary', op: t.value as BinaryOp, left, right, at: t.at });
    }
  }

  private equality(): UserFnExpr {
    return this.binary(['==', '!='], () => this.relational());
  }

  private relational(): UserFnExpr {
    return this.binary(['<', '<=', '>', '>='], () => this.additive());
  }

  private additive(): UserFnExpr {
    return this.binary(['+', '-'], () => this.multiplicative());
  }

  private multiplicative(): UserFnExpr {
    return this.binary(['*', '/', '%'], () => this.unary());
  }

  private unary(): UserFnExpr {
    const t = this.peek();
    if (t.type !== 'op' || (t.value !== '-' && t.value !== '+' && t.value !== '!')) return this.primary();
    this.next();
    const after = this.peek();
    if (t.value !== '!' && after.type === 'number') {
      this.next();
      return this.node({ kind: 'literal', value: t.value === '-' ? -after.value : after.value, at: t.at });
    }
    const op = t.value;
    return this.nested(t.at, () => this.node({ kind: 'unary', op, operand: this.unary(), at: t.at }));
  }

  private primary(): UserFnExpr {
    const t = this.peek();
    switch (t.type) {
      case 'number':
      case 'string':
        this.next();
        return this.node({ kind: 'literal', value: t.value, at: t.at });
      case 'keyword':
        if (t.value === 'TRUE' || t.value === 'FALSE' || t.value === 'NULL') {
          this.next();
          return this.node({ kind: 'literal', value: t.value === 'NULL' ? null : t.value === 'TRUE', at: t.at });
        }
        if (t.value === 'IF') return this.ifExpr();
        break;
      case 'name':
        return this.call(t);
      case 'op':
        if (t.value === '(') {
          this.next();
          return this.nested(t.at, () => {
            const inner = this.expr();
            this.expectOp(')');
            return inner;
          });
        }
        break;
      case 'end':
        break;
    }
    return this.expected("a value, a function call, 'if' or '('");
  }

  private call(name: Token & { type: 'name' }): UserFnExpr {
    this.next();
    if (!this.isOp('(')) {
      const t = this.peek();
      return this.fail(
        `expected '(' after the function name '${snippet(name.text)}' at column ${t.at}, found ${this.describe(t)}; ` +
          "there are no variables: read result fields with get('$.field')",
      );
    }
    this.next();
    return this.nested(name.at, () => {
      const args: UserFnExpr[] = [];
      if (!this.isOp(')')) {
        args.push(this.expr());
        while (this.isOp(',')) {
          this.next();
          args.push(this.expr());
        }
      }
      this.expectOp(')', "',' or ')'");
      return this.node({ kind: 'call', name: name.value, args, at: name.at });
    });
  }

  private ifExpr(): UserFnExpr {
    const at = this.next().at;
    return this.nested(at, () => {
      let condition: UserFnExpr;
      if (this.isOp('(')) {
        this.next();
        condition = this.expr();
        if (this.isOp(',')) {
          // Function style: if (condition, then, else).
          this.next();
          const then = this.expr();
          this.expectOp(',', "',' before the else value of if (condition, then, else)");
          const otherwise = this.expr();
          this.expectOp(')');
          return this.node({ kind: 'if', condition, then, else: otherwise, at });
        }
        this.expectOp(')', "')' or ','");
        if (this.isKeyword('THEN')) this.next();
      } else {
        condition = this.expr();
        if (!this.isKeyword('THEN')) this.expected("'then' (or write the condition in parentheses)");
        this.next();
      }
      const then = this.expr();
      if (!this.isKeyword('ELSE')) this.expected("'else' (an if needs both branches)");
      this.next();
      return this.node({ kind: 'if', condition, then, else: this.expr(), at });
    });
  }
}

/** Parses user function text into a tree. Throws a 400 QuarryError for `field` on a syntax error. */
export function parseUserFunction(text: string, field: string): UserFnExpr {
  return new Parser(tokenize(text, field), field).parseFunction();
}
