import { invalidField } from '../domain/errors.js';
import { snippet } from './lexing.js';

/** The token shape both expression languages share; `value` is the keyword or operator. */
export interface ParsedToken {
  type: string;
  at: number;
  text: string;
  value?: unknown;
}

export interface GrammarLimits<Node> {
  /** Deepest tree accepted, and deepest recursion while parsing. */
  maxDepth: number;
  /** What the text is called in messages: 'filter', 'function'. */
  noun: string;
  children: (node: Node) => readonly Node[];
}

/**
 * The cursor and guards a recursive-descent parser of the filter language and of user functions
 * needs alike: reading tokens, uniform "expected … at column …" messages (400s on `field`), and
 * two depth limits: one on recursion while parsing, one on the height of the tree being built, so
 * that no input can exhaust the stack later (compiling, evaluating). Each language's grammar is a
 * subclass.
 */
export abstract class TokenParser<Token extends ParsedToken, Node extends { at: number }, Op extends string, Kw extends string> {
  private index = 0;
  private nesting = 0;
  /** Height of every node built so far (leaves are 1). */
  private readonly heights = new WeakMap<Node, number>();

  constructor(
    protected readonly tokens: Token[],
    protected readonly field: string,
    private readonly limits: GrammarLimits<Node>,
  ) {}

  protected fail(message: string): never {
    throw invalidField(this.field, message);
  }

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index += 1;
    return token;
  }

  protected isOp(value: Op, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'op' && t.value === value;
  }

  protected isKeyword(value: Kw, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'keyword' && t.value === value;
  }

  protected describe(token: Token): string {
    return token.type === 'end' ? `the end of the ${this.limits.noun}` : `'${snippet(token.text)}'`;
  }

  protected expected(what: string): never {
    const t = this.peek();
    return this.fail(`expected ${what} at column ${t.at}, found ${this.describe(t)}`);
  }

  protected expectOp(value: Op, what = `'${value}'`): Token {
    if (!this.isOp(value)) this.expected(what);
    return this.next();
  }

  /** Records the node's height and refuses trees deeper than the limit. */
  protected node<E extends Node>(e: E): E {
    let height = 1;
    for (const child of this.limits.children(e)) height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
    if (height > this.limits.maxDepth) this.tooDeep(e.at);
    this.heights.set(e, height);
    return e;
  }

  private tooDeep(at: number): never {
    return this.fail(`the ${this.limits.noun} is nested too deeply at column ${at} (at most ${this.limits.maxDepth} levels)`);
  }

  /** Guards every recursive rule against unbounded nesting before the tree is even built. */
  protected nested<T>(at: number, parse: () => T): T {
    if (++this.nesting > this.limits.maxDepth) this.tooDeep(at);
    try {
      return parse();
    } finally {
      this.nesting -= 1;
    }
  }
}
