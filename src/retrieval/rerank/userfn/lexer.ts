/**
 * Tokeniser for user functions.
 *
 * Lexical rules (keywords and function names are case-insensitive):
 *  - whitespace: space, tab, CR, LF;
 *  - numbers: `2`, `2.45`, `.5`, `5.`, with an optional exponent `1e3`, `2.5E-4` (the exponent is
 *    an extension; Vectara documents plain decimals). All numbers are doubles;
 *  - strings: single quotes only, a doubled quote inside stands for one (`'Vectara''s'`). Double
 *    quotes are refused with a hint, because Vectara documents single quotes only;
 *  - names: ASCII letters, digits and `_`, not starting with a digit. The keywords are
 *    IF ELSE THEN TRUE FALSE NULL AND OR NOT; any other name is a function name;
 *  - operators: ( ) , + - * / % < <= > >= == === != !== && || ! ? :
 * A single `=`, `&` or `|` gets a hint towards `==`, `&&`, `||`. There are no comments.
 */
import { invalidField } from '../../../domain/errors.js';
import { matchAt, NUMBER, readQuoted, snippet, WHITESPACE, type TokenBase } from '../../lexing.js';

export { snippet } from '../../lexing.js';

export type Keyword = 'IF' | 'ELSE' | 'THEN' | 'TRUE' | 'FALSE' | 'NULL' | 'AND' | 'OR' | 'NOT';
export type OperatorText =
  | '(' | ')' | ',' | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&&' | '||' | '!' | '?' | ':';

export type Token =
  | (TokenBase & { type: 'number'; value: number })
  | (TokenBase & { type: 'string'; value: string })
  | (TokenBase & { type: 'keyword'; value: Keyword })
  /** A function name, lower-cased. */
  | (TokenBase & { type: 'name'; value: string })
  | (TokenBase & { type: 'op'; value: OperatorText })
  | (TokenBase & { type: 'end' });

const KEYWORDS = new Set<string>(['IF', 'ELSE', 'THEN', 'TRUE', 'FALSE', 'NULL', 'AND', 'OR', 'NOT']);
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Longest spelling first; `===` and `!==` are aliases that appear in Vectara's examples. */
const OPERATORS: ReadonlyArray<[string, OperatorText]> = [
  ['===', '=='], ['!==', '!='],
  ['==', '=='], ['!=', '!='], ['<=', '<='], ['>=', '>='], ['&&', '&&'], ['||', '||'],
  ['(', '('], [')', ')'], [',', ','], ['+', '+'], ['-', '-'], ['*', '*'], ['/', '/'], ['%', '%'],
  ['<', '<'], ['>', '>'], ['!', '!'], ['?', '?'], [':', ':'],
];
const HINTS: Readonly<Record<string, string>> = {
  '=': "; compare with '=='",
  '&': "; write '&&' (or 'and') for a logical and",
  '|': "; write '||' (or 'or') for a logical or",
  '"': "; strings are written in single quotes, e.g. 'text'",
};

/** Splits the source into tokens, ending with an `end` token. Throws a 400 for `field`. */
export function tokenize(input: string, field: string): Token[] {
  function fail(message: string): never {
    throw invalidField(field, message);
  }
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < input.length) {
    const space = matchAt(WHITESPACE, input, pos);
    if (space) {
      pos += space.length;
      continue;
    }
    const at = pos + 1;
    const ch = input[pos] as string;

    if (ch === "'") {
      const quoted = readQuoted(input, pos, "'");
      if (!quoted) fail(`the string starting at column ${at} is missing its closing '`);
      tokens.push({ type: 'string', value: quoted.value, at, text: input.slice(pos, quoted.end) });
      pos = quoted.end;
      continue;
    }

    const number = matchAt(NUMBER, input, pos);
    if (number) {
      const value = Number(number);
      if (!Number.isFinite(value)) fail(`the number ${snippet(number)} at column ${at} is out of range`);
      tokens.push({ type: 'number', value, at, text: number });
      pos += number.length;
      continue;
    }

    const name = matchAt(NAME, input, pos);
    if (name) {
      const upper = name.toUpperCase();
      tokens.push(
        KEYWORDS.has(upper)
          ? { type: 'keyword', value: upper as Keyword, at, text: name }
          : { type: 'name', value: name.toLowerCase(), at, text: name },
      );
      pos += name.length;
      continue;
    }

    const op = OPERATORS.find(([text]) => input.startsWith(text, pos));
    if (op) {
      tokens.push({ type: 'op', value: op[1], at, text: op[0] });
      pos += op[0].length;
      continue;
    }

    const bad = String.fromCodePoint(input.codePointAt(pos) ?? 0);
    fail(`unexpected character '${bad}' at column ${at}${HINTS[bad] ?? ''}`);
  }
  tokens.push({ type: 'end', at: input.length + 1, text: '' });
  return tokens;
}
