/**
 * Tokeniser for filter expressions.
 *
 * Lexical rules (keywords and scopes are case-insensitive; attribute names are not):
 *  - whitespace: space, tab, CR, LF;
 *  - numbers: `12`, `1.5`, `.5`, `5.`, with an optional exponent `1e3`, `2.5E-4` (the exponent is
 *    an extension; Vectara documents plain digits with or without a period);
 *  - text: single quotes, a doubled quote inside stands for one (`'it''s'`); double-quoted text
 *    (`"x"`) is accepted too, because Vectara's own SDK examples write it that way;
 *  - attribute references: `doc.` or `part.` immediately followed by a name, either bare word
 *    segments joined by dots (`doc.author.name`) or a double-quoted name with `""` as escape
 *    (`doc."release-date"`). The whole name is one metadata key;
 *  - operators: ( ) , + - * / % = == != <> < <= > >=;
 *  - keywords: AND OR NOT IN IS NULL TRUE FALSE.
 * There are no comments, so `--5` is two minus signs.
 */
import { invalidField } from '../../domain/errors.js';
import type { Scope } from './ast.js';
import { matchAt, NUMBER, readQuoted, snippet, WHITESPACE, type TokenBase } from '../lexing.js';

export { snippet } from '../lexing.js';

export type Keyword = 'AND' | 'OR' | 'NOT' | 'IN' | 'IS' | 'NULL' | 'TRUE' | 'FALSE';
export type OperatorText =
  | '(' | ')' | ',' | '+' | '-' | '*' | '/' | '%'
  | '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Token =
  | (TokenBase & { type: 'number'; value: number })
  | (TokenBase & { type: 'text'; value: string })
  | (TokenBase & { type: 'ref'; scope: Scope; name: string })
  | (TokenBase & { type: 'keyword'; value: Keyword })
  | (TokenBase & { type: 'word'; value: string })
  | (TokenBase & { type: 'op'; value: OperatorText })
  | (TokenBase & { type: 'end' });

const KEYWORDS = new Set<string>(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const WORD = /[\p{L}_][\p{L}\p{N}\p{M}_]*/uy;
const BARE_NAME_AT = /[\p{L}\p{N}\p{M}_]+(?:\.[\p{L}\p{N}\p{M}_]+)*/uy;
const OPERATORS: ReadonlyArray<[string, OperatorText]> = [
  ['==', '='], ['!=', '!='], ['<>', '!='], ['<=', '<='], ['>=', '>='],
  ['(', '('], [')', ')'], [',', ','], ['+', '+'], ['-', '-'], ['*', '*'], ['/', '/'], ['%', '%'],
  ['=', '='], ['<', '<'], ['>', '>'],
];

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

    if (ch === "'" || ch === '"') {
      const quoted = readQuoted(input, pos, ch);
      if (!quoted) fail(`text starting at column ${at} is missing its closing ${ch}`);
      tokens.push({ type: 'text', value: quoted.value, at, text: input.slice(pos, quoted.end) });
      pos = quoted.end;
      continue;
    }

    const number = matchAt(NUMBER, input, pos);
    if (number) {
      const value = Number(number);
      if (!Number.isFinite(value)) fail(`number ${snippet(number)} at column ${at} is out of range`);
      tokens.push({ type: 'number', value, at, text: number });
      pos += number.length;
      continue;
    }

    const word = matchAt(WORD, input, pos);
    if (word) {
      const upper = word.toUpperCase();
      const afterWord = pos + word.length;
      if (input[afterWord] === '.' && !KEYWORDS.has(upper)) {
        const scope = word.toLowerCase() as Scope;
        if (scope !== 'doc' && scope !== 'part') {
          fail(`unknown scope '${snippet(word)}' at column ${at}; attributes are written doc.<name> or part.<name>`);
        }
        const nameStart = afterWord + 1;
        let name: string;
        let end: number;
        if (input[nameStart] === '"') {
          const quoted = readQuoted(input, nameStart, '"');
          if (!quoted) fail(`attribute name starting at column ${nameStart + 1} is missing its closing "`);
          ({ value: name, end } = quoted);
        } else {
          const bare = matchAt(BARE_NAME_AT, input, nameStart);
          if (!bare) fail(`expected an attribute name after '${word}.' at column ${nameStart + 1}`);
          name = bare;
          end = nameStart + name.length;
        }
        tokens.push({ type: 'ref', scope, name, at, text: input.slice(pos, end) });
        pos = end;
        continue;
      }
      tokens.push(
        KEYWORDS.has(upper)
          ? { type: 'keyword', value: upper as Keyword, at, text: word }
          : { type: 'word', value: word, at, text: word },
      );
      pos = afterWord;
      continue;
    }

    const op = OPERATORS.find(([text]) => input.startsWith(text, pos));
    if (op) {
      tokens.push({ type: 'op', value: op[1], at, text: op[0] });
      pos += op[0].length;
      continue;
    }

    const bad = String.fromCodePoint(input.codePointAt(pos) ?? 0);
    fail(`unexpected character '${bad}' at column ${at}`);
  }
  tokens.push({ type: 'end', at: input.length + 1, text: '' });
  return tokens;
}
