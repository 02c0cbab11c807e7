/**
 * What the two small expression languages (metadata filters and user functions) read alike:
 * whitespace, numbers, quoted runs with a doubled quote as escape, and short source snippets for
 * messages. Each language's lexer keeps its own keywords, names and operators.
 */

/** Where a token starts (1-based column) and its source text, for messages. */
export interface TokenBase {
  at: number;
  text: string;
}

export const WHITESPACE = /[ \t\r\n]+/y;
/** `12`, `1.5`, `.5`, `5.`, with an optional exponent (`1e3`, `2.5E-4`). */
export const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

/** Shortens long source snippets in messages. */
export const snippet = (text: string): string => (text.length > 24 ? `${text.slice(0, 21)}...` : text);

/** The match of a sticky regular expression at `pos`, if any. */
export const matchAt = (re: RegExp, input: string, pos: number): string | undefined => {
  re.lastIndex = pos;
  return re.exec(input)?.[0];
};

/**
 * Reads a quoted run starting at `pos` (which holds the quote); a doubled quote inside stands for
 * one. Returns the unescaped content and the position after the closing quote, or undefined when
 * the quote is never closed.
 */
export const readQuoted = (input: string, pos: number, quote: string): { value: string; end: number } | undefined => {
  let value = '';
  let i = pos + 1;
  for (;;) {
    const close = input.indexOf(quote, i);
    if (close < 0) return undefined;
    value += input.slice(i, close);
    if (input[close + 1] === quote) {
      value += quote;
      i = close + 2;
    } else {
      return { value, end: close + 1 };
    }
  }
};
