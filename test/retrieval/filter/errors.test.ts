import { describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import { MAX_FILTER_DEPTH, parseFilter, prepareFilter } from '../../../src/retrieval/filter/index.js';
import { ATTRIBUTES, FIELD, check, errorOf } from './support.js';

const syntaxError = (text: string) => errorOf(() => parseFilter(text, FIELD));
const checkError = (text: string, allowPart = true) => errorOf(() => check(text, ATTRIBUTES, allowPart));

describe('filter syntax errors', () => {
  it('are 400s for the given field, with the message repeated in field_errors', () => {
    try {
      parseFilter('doc.n = ', 'metadata_filter');
      expect.unreachable();
    } catch (err) {
      const e = err as QuarryError;
      expect(e).toBeInstanceOf(QuarryError);
      expect(e.status).toBe(400);
      expect(e.bodyKind).toBe('bad_request');
      expect(e.details.fieldErrors).toEqual({ metadata_filter: expect.stringContaining('column 9') });
      expect(e.message).toContain('metadata_filter');
    }
  });

  it('say what was expected and where', () => {
    expect(syntaxError("(doc.n = 1 AND doc.t = 'x'")).toBe("expected ')' at column 27, found the end of the filter");
    expect(syntaxError('doc.n = 1 doc.t')).toBe("expected AND, OR or the end of the filter at column 11, found 'doc.t'");
    expect(syntaxError('doc.n >')).toBe("expected a value, an attribute or '(' at column 8, found the end of the filter");
    expect(syntaxError('doc.n = 1 AND')).toBe("expected a value, an attribute or '(' at column 14, found the end of the filter");
    expect(syntaxError('doc.n IN 1, 2')).toBe("expected '(' or a list attribute after IN at column 10, found '1'");
    expect(syntaxError('doc.n IN (1 2)')).toBe("expected ',' or ')' at column 13, found '2'");
    expect(syntaxError('doc.n IN ()')).toBe("expected a value, an attribute or '(' at column 11, found ')'");
    expect(syntaxError('doc.n IS 1')).toBe("expected NULL or NOT NULL after IS at column 10, found '1'");
    expect(syntaxError('doc.n IS NOT')).toBe('expected NULL after IS NOT at column 13, found the end of the filter');
    expect(syntaxError('doc.n = 1)')).toBe("expected AND, OR or the end of the filter at column 10, found ')'");
    expect(syntaxError('doc.n NOT 1')).toBe("expected AND, OR or the end of the filter at column 7, found 'NOT'");
    expect(syntaxError('= 1')).toBe("expected a value, an attribute or '(' at column 1, found '='");
  });

  it('explain unscoped names, unknown scopes and broken tokens', () => {
    expect(syntaxError('year = 2023')).toBe("expected an attribute at column 1, found 'year'; write doc.year or part.year");
    expect(syntaxError('meta.year = 2023')).toBe(
      "unknown scope 'meta' at column 1; attributes are written doc.<name> or part.<name>",
    );
    expect(syntaxError('doc. = 1')).toBe("expected an attribute name after 'doc.' at column 5");
    expect(syntaxError("doc.t = 'open")).toBe("text starting at column 9 is missing its closing '");
    expect(syntaxError('doc."open = 1')).toBe('attribute name starting at column 5 is missing its closing "');
    expect(syntaxError('doc.n = 1 # note')).toBe("unexpected character '#' at column 11");
    expect(syntaxError('doc.n ! 1')).toBe("unexpected character '!' at column 7");
    expect(syntaxError('doc.n = 1e999')).toBe('number 1e999 at column 9 is out of range');
    expect(syntaxError("doc.t = 'x' 😀")).toBe("unexpected character '😀' at column 13");
  });

  it('refuse nesting beyond the limit without exhausting the stack', () => {
    const deep = (n: number) => `${'('.repeat(n)}doc.n = 1${')'.repeat(n)}`;
    expect(parseFilter(deep(MAX_FILTER_DEPTH - 1), FIELD)).not.toBeNull();
    expect(syntaxError(deep(MAX_FILTER_DEPTH + 1))).toMatch(/nested too deeply at column \d+/);
    expect(syntaxError('('.repeat(100_000))).toMatch(/nested too deeply/);
    expect(syntaxError(`${'NOT '.repeat(5000)}doc.b`)).toMatch(/nested too deeply/);
    expect(syntaxError(`doc.n = ${'-'.repeat(5000)}doc.n`)).toMatch(/nested too deeply/);
    expect(syntaxError(`doc.n = ${Array.from({ length: 5000 }, () => '1').join(' + ')}`)).toMatch(/nested too deeply/);
    // Long AND / OR chains are flat, so they stay well within the limit.
    const ids = Array.from({ length: 1000 }, (_, i) => `doc.id = 'd${i}'`).join(' OR ');
    expect(parseFilter(ids, FIELD)).toMatchObject({ kind: 'or' });
  });
});

describe('filter attribute and type errors', () => {
  it('name undeclared attributes and the corpus', () => {
    expect(checkError('doc.year = 2023')).toBe(
      "doc.year (column 1) is not a filter attribute of corpus 'docs'; declare it to filter on it",
    );
    expect(checkError("doc.n = 1 AND part.\"my key\" = 'x'")).toBe(
      `part."my key" (column 15) is not a filter attribute of corpus 'docs'; declare it to filter on it`,
    );
  });

  it('point to the right scope when an attribute exists at the other level', () => {
    expect(checkError('part.n = 1')).toBe(
      "part.n (column 1) is not a filter attribute of corpus 'docs'; it is declared at document level, so write doc.n",
    );
    expect(checkError("doc.pt = 'x'")).toContain('it is declared at part level, so write part.pt');
  });

  it('always allow the built-ins, and let them win over declared names', () => {
    expect(() => check("doc.id = 'a' AND part.lang = 'eng' AND part.is_title = true", [])).not.toThrow();
    const shadowed = check("doc.id = 'x'", [{ name: 'id', level: 'document', type: 'integer', indexed: true }]);
    expect(shadowed.attributes.get(`doc\u0000id`)).toEqual({ source: 'builtin', column: 'docId', type: 'text' });
    expect(checkError('doc.lang = 1')).toContain('doc.lang (column 1) is not a filter attribute');
  });

  it('refuse part attributes where only documents are filtered', () => {
    expect(() => check("doc.t = 'x' AND doc.id = 'a'", ATTRIBUTES, false)).not.toThrow();
    expect(checkError('doc.n = 1 OR part.pn = 2', false)).toBe(
      'part.pn at column 14 is a part-level attribute; only doc.* attributes can be used here',
    );
    expect(checkError("part.lang = 'eng'", false)).toContain('part.lang at column 1 is a part-level attribute');
  });

  it('reject ill-typed expressions with the operator and its column', () => {
    expect(checkError("doc.n = 'x'")).toBe("operator '=' at column 7 cannot compare number with text");
    expect(checkError("doc.t > 5")).toBe("operator '>' at column 7 cannot compare text with number");
    expect(checkError('doc.b < true')).toBe("operator '<' at column 7 compares numbers or text, not booleans");
    expect(checkError("doc.t + 1 = 2")).toBe("operator '+' at column 7 needs numbers, but its left operand is text");
    expect(checkError("-doc.t = 'x'")).toBe("sign '-' at column 1 needs a number, not text");
    expect(checkError("doc.id = 'a' OR 'b'")).toBe(
      'operand 2 of OR at column 14 must be a condition (true or false), but it is text',
    );
    expect(checkError('NOT doc.n')).toBe('the operand of NOT at column 1 must be a condition (true or false), but it is number');
    expect(checkError('doc.t')).toBe('the filter must be a condition (true or false), but it is text');
    expect(checkError("doc.n IN (1, 'a')")).toBe('IN at column 7 mixes number with text');
  });

  it('allow only membership tests on list attributes', () => {
    for (const ok of ["doc.tags = 'x'", "'x' = doc.tags", "doc.tags != 'x'", "'x' IN doc.tags", "doc.tags IN ('a', 'b')",
      "doc.t IN ('a', doc.tags)", 'doc.nums = 2.5', 'doc.tags IS NULL', 'doc.n IN (doc.nums, doc.reals)', "doc.tags = null"]) {
      expect(() => check(ok), ok).not.toThrow();
    }
    expect(checkError("doc.tags < 'x'")).toBe("operator '<' at column 10 cannot be used on a list; test membership with =, != or IN");
    expect(checkError('doc.tags = doc.tags')).toBe("operator '=' at column 10 cannot compare two lists");
    expect(checkError('doc.tags = 1')).toBe("operator '=' at column 10 cannot compare a list of text with number");
    expect(checkError('doc.nums + 1 = 2')).toBe(
      "the left operand of operator '+' at column 10 cannot be a list of numbers; lists can only be tested with =, != or IN",
    );
    expect(checkError('doc.tags IN (doc.tags)')).toBe('IN at column 10 cannot match a list against another list');
    expect(checkError("1 IN doc.tags")).toBe('IN at column 3 mixes number with a list of text');
  });

  it('accept null anywhere a value goes', () => {
    for (const ok of ['doc.n = null', 'null', 'NOT null', 'null AND doc.b', 'doc.n + null > 1', 'null IN (1, 2)', "null IN ('a', doc.tags)"]) {
      expect(() => check(ok), ok).not.toThrow();
    }
  });

  it('prepareFilter treats absent and blank text as no filter', () => {
    const options = { field: FIELD, corpusKey: 'docs' };
    expect(prepareFilter(undefined, ATTRIBUTES, options)).toBeNull();
    expect(prepareFilter(null, ATTRIBUTES, options)).toBeNull();
    expect(prepareFilter('   ', ATTRIBUTES, options)).toBeNull();
    expect(prepareFilter('doc.n = 1', ATTRIBUTES, options)?.expr).toMatchObject({ kind: 'compare' });
    expect(errorOf(() => prepareFilter('doc.zz = 1', ATTRIBUTES, options))).toContain('doc.zz');
  });
});
