/**
 * User functions: every compile error is a 400 for the request field, saying what was expected
 * and at which column; hostile input gets a 400 too, never a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import { MAX_USERFN_DEPTH, MAX_USERFN_LENGTH } from '../../../src/retrieval/rerank/userfn/ast.js';
import { compileUserFunction } from '../../../src/retrieval/rerank/userfn/index.js';

const FIELD = 'search.reranker.user_function';

/** The message of the 400 compiling `source` gives (fails the test when it compiles). */
const errorOf = (source: string): string => {
  try {
    compileUserFunction(source, FIELD);
  } catch (err) {
    expect(err).toBeInstanceOf(QuarryError);
    const e = err as QuarryError;
    expect(e.status).toBe(400);
    const message = e.details.fieldErrors?.[FIELD];
    expect(message).toBeTypeOf('string');
    return message as string;
  }
  return expect.unreachable(`compiled: ${source}`);
};

const compiles = (source: string) => expect(() => compileUserFunction(source, FIELD), source).not.toThrow();

describe('user function errors', () => {
  it('are 400 bad requests naming the field, with the message in field_errors', () => {
    try {
      compileUserFunction("get('$.score') *", 'reranker.user_function');
      expect.unreachable();
    } catch (err) {
      const e = err as QuarryError;
      expect(e).toBeInstanceOf(QuarryError);
      expect(e.status).toBe(400);
      expect(e.bodyKind).toBe('bad_request');
      expect(e.details.fieldErrors).toEqual({ 'reranker.user_function': expect.stringContaining('column 17') });
      expect(e.message).toContain('reranker.user_function');
    }
  });

  it('say what was expected and where', () => {
    expect(errorOf('')).toBe("the function is empty; write an expression such as get('$.score')");
    expect(errorOf('   ')).toBe("the function is empty; write an expression such as get('$.score')");
    expect(errorOf('1 +')).toBe("expected a value, a function call, 'if' or '(' at column 4, found the end of the function");
    expect(errorOf('* 2')).toBe("expected a value, a function call, 'if' or '(' at column 1, found '*'");
    expect(errorOf('1 2')).toBe("expected an operator or the end of the function at column 3, found '2'");
    expect(errorOf('(1 + 2')).toBe("expected ')' at column 7, found the end of the function");
    expect(errorOf('(1 + 2))')).toBe("expected an operator or the end of the function at column 8, found ')'");
    expect(errorOf("get('$.score'")).toBe("expected ',' or ')' at column 14, found the end of the function");
    expect(errorOf("get('$.score' 1)")).toBe("expected ',' or ')' at column 15, found '1'");
    expect(errorOf('max(1,)')).toBe("expected a value, a function call, 'if' or '(' at column 7, found ')'");
    expect(errorOf('1 ? 2')).toBe("expected ':' of the '?' conditional at column 6, found the end of the function");
    expect(errorOf('else 1')).toBe("expected a value, a function call, 'if' or '(' at column 1, found 'else'");
  });

  it('explain broken if expressions', () => {
    expect(errorOf('if (1) 2')).toBe("expected 'else' (an if needs both branches) at column 9, found the end of the function");
    expect(errorOf('if (1 2 else 3')).toBe("expected ')' or ',' at column 7, found '2'");
    expect(errorOf('if 1 2 else 3')).toBe("expected 'then' (or write the condition in parentheses) at column 6, found '2'");
    expect(errorOf('if (1, 2)')).toBe("expected ',' before the else value of if (condition, then, else) at column 9, found ')'");
    expect(errorOf('if (1, 2, 3, 4)')).toBe("expected ')' at column 12, found ','");
    expect(errorOf('if')).toBe("expected a value, a function call, 'if' or '(' at column 3, found the end of the function");
    expect(errorOf('if (1) then else 2')).toBe("expected a value, a function call, 'if' or '(' at column 13, found 'else'");
  });

  it('explain bare names, stray characters and other languages’ habits', () => {
    expect(errorOf('score * 2')).toBe(
      "expected '(' after the function name 'score' at column 7, found '*'; there are no variables: read result fields with get('$.field')",
    );
    expect(errorOf('1 = 1')).toBe("unexpected character '=' at column 3; compare with '=='");
    expect(errorOf('1 & 1')).toBe("unexpected character '&' at column 3; write '&&' (or 'and') for a logical and");
    expect(errorOf('1 | 1')).toBe("unexpected character '|' at column 3; write '||' (or 'or') for a logical or");
    expect(errorOf('get("$.score")')).toBe(`unexpected character '"' at column 5; strings are written in single quotes, e.g. 'text'`);
    expect(errorOf('1 # comment')).toBe("unexpected character '#' at column 3");
    expect(errorOf('2 ** 3')).toBe("expected a value, a function call, 'if' or '(' at column 4, found '*'");
    expect(errorOf("'é' == '😀' é")).toBe("unexpected character 'é' at column 13");
    expect(errorOf("get('$.score)")).toBe("the string starting at column 5 is missing its closing '");
    expect(errorOf('1e999')).toBe('the number 1e999 at column 1 is out of range');
  });

  it('name unknown functions and wrong numbers of arguments', () => {
    expect(errorOf('foo(1)')).toBe("unknown function 'foo' at column 1");
    expect(errorOf('1 + Score()')).toBe("unknown function 'score' at column 5");
    expect(errorOf('abs()')).toBe('abs() at column 1 takes 1 argument, but none were given');
    expect(errorOf('abs(1, 2)')).toBe('abs() at column 1 takes 1 argument, but 2 were given');
    expect(errorOf('now(1)')).toBe('now() at column 1 takes no arguments, but 1 was given');
    expect(errorOf('get()')).toBe('get() at column 1 takes 1 or 2 arguments, but none were given');
    expect(errorOf("get('$.a', 1, 2)")).toBe('get() at column 1 takes 1 or 2 arguments, but 3 were given');
    expect(errorOf('power(2)')).toBe('power() at column 1 takes 2 arguments, but 1 was given');
    expect(errorOf('max(1)')).toBe('max() at column 1 takes at least 2 arguments, but 1 was given');
    expect(errorOf("datetime_parse('2024')")).toBe('datetime_parse() at column 1 takes 2 arguments, but 1 was given');
    expect(errorOf('1 + log()')).toBe('log() at column 5 takes 1 or 2 arguments, but none were given');
    expect(errorOf('abs(foo())')).toBe("unknown function 'foo' at column 5");
  });

  it('refuse knee(), which needs the whole result list', () => {
    for (const source of ['knee()', 'knee(0.5, 0.2)', 'get(\'$.score\') * knee(0.8)']) {
      expect(errorOf(source), source).toMatch(/^knee\(\) at column \d+ is not supported here/);
    }
    expect(errorOf('knee(1, 2, 3)')).toBe('knee() at column 1 takes 0 to 2 arguments, but 3 were given');
  });

  it('check literal arguments: JSONPaths, ISO date-times and date patterns', () => {
    expect(errorOf("get('score')")).toBe(
      "the JSONPath 'score' of get() at column 5: expected '$' (a path starts at the result, e.g. '$.score') at position 1",
    );
    expect(errorOf("get('$..score')")).toBe("the JSONPath '$..score' of get() at column 5: recursive descent (..) is not supported at position 2");
    expect(errorOf("get('$.document_metadata.*')")).toBe("the JSONPath '$.document_metadata.*' of get() at column 5: wildcards (*) are not supported at position 21");
    expect(errorOf("get('$.tags[*]')")).toMatch(/^the JSONPath '\$\.tags\[\*\]' of get\(\) at column 5: expected an index such as \[0\]/);
    expect(errorOf("get('$.tags[0:2]')")).toMatch(/expected an index such as \[0\].* at position 7$/);
    expect(errorOf("get('$.a.')")).toBe("the JSONPath '$.a.' of get() at column 5: expected a key after '.' at position 4");
    expect(errorOf("get('$.a[''b]')")).toBe("the JSONPath '$.a['b]' of get() at column 5: a quoted key is missing its closing '; it starts at position 5");
    expect(errorOf("get('$.a[''b''x]')")).toBe("the JSONPath '$.a['b'x]' of get() at column 5: expected ']' after the quoted key at position 8");
    expect(errorOf("get('$.a''b')")).toBe("the JSONPath '$.a'b' of get() at column 5: expected '.' or '[' but found ''' at position 4");
    expect(errorOf('get(5)')).toBe('the path of get() at column 5 must be a string, not 5');
    expect(errorOf("iso_datetime_parse('2024-13-01')")).toBe(
      "'2024-13-01' at column 20 is not an ISO 8601 date-time such as '2024-12-04T10:14:50Z'",
    );
    expect(errorOf('iso_datetime_parse(true)')).toBe('the argument of iso_datetime_parse() at column 20 must be a string, not true');
    expect(errorOf("datetime_parse('2024', 'yyyy-QQ')")).toBe(
      "the pattern 'yyyy-QQ' of datetime_parse() at column 24: the pattern letter 'Q' at position 6 is not supported",
    );
    expect(errorOf("datetime_parse('2024', 'yyyy[-MM]')")).toBe(
      "the pattern 'yyyy[-MM]' of datetime_parse() at column 24: '[' at position 5 is reserved in patterns and not supported",
    );
    expect(errorOf("datetime_parse('2024', 'yyyy ''T')")).toBe(
      "the pattern 'yyyy 'T' of datetime_parse() at column 24: the quote at position 6 is never closed",
    );
    expect(errorOf("datetime_parse(2024, 'yyyy')")).toBe('the text of datetime_parse() at column 16 must be a string, not 2024');
    // null literals are allowed where strings are expected: they just evaluate to null.
    compiles('get(null, 1)');
    compiles('iso_datetime_parse(null)');
    compiles("datetime_parse(null, 'yyyy')");
  });
});

describe('user function limits', () => {
  it(`accept up to ${MAX_USERFN_LENGTH} characters`, () => {
    compiles(`1${' '.repeat(MAX_USERFN_LENGTH - 1)}`);
    expect(errorOf(`1${' '.repeat(MAX_USERFN_LENGTH)}`)).toBe(
      `the function is ${MAX_USERFN_LENGTH + 1} characters long; at most ${MAX_USERFN_LENGTH} are allowed`,
    );
    expect(errorOf('('.repeat(1_000_000))).toMatch(/characters long/);
  });

  it(`refuse nesting deeper than ${MAX_USERFN_DEPTH} levels without exhausting the stack`, () => {
    const parens = (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`;
    compiles(parens(MAX_USERFN_DEPTH - 1));
    expect(errorOf(parens(MAX_USERFN_DEPTH + 1))).toMatch(/^the function is nested too deeply at column \d+ \(at most 64 levels\)$/);
    const calls = (n: number) => `${'abs('.repeat(n)}1${')'.repeat(n)}`;
    compiles(calls(MAX_USERFN_DEPTH - 1));
    expect(errorOf(calls(MAX_USERFN_DEPTH))).toMatch(/nested too deeply/);
    expect(errorOf('('.repeat(5000))).toMatch(/nested too deeply/);
    expect(errorOf(`${'!'.repeat(5000)}1`)).toMatch(/nested too deeply/);
    expect(errorOf(`${'not '.repeat(2000)}1`)).toMatch(/nested too deeply/);
    expect(errorOf(`${'-'.repeat(5000)}1`)).toMatch(/nested too deeply/);
    expect(errorOf(Array.from({ length: 4000 }, () => '1').join('+'))).toMatch(/nested too deeply/);
    expect(errorOf(`${'if (1) 1 else '.repeat(700)}1`)).toMatch(/nested too deeply/);
    expect(errorOf(`${'1 ? 1 : '.repeat(1200)}1`)).toMatch(/nested too deeply/);
    // Long && / || chains are flat, so they stay within the limit.
    const chain = Array.from({ length: 500 }, (_, i) => `${i} == ${i}`).join(' || ');
    expect(chain.length).toBeLessThan(MAX_USERFN_LENGTH);
    compiles(chain);
  });

  it('evaluate the deepest accepted function', () => {
    const deep = `${'abs('.repeat(MAX_USERFN_DEPTH - 1)}-2${')'.repeat(MAX_USERFN_DEPTH - 1)}`;
    const row = { score: 1, text: '', document_id: '', document_metadata: {}, part_metadata: {} };
    expect(compileUserFunction(deep, FIELD).evaluate(row)).toBe(2);
  });
});
