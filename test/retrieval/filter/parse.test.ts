import { describe, expect, it } from 'vitest';
import { parseFilter, printFilter } from '../../../src/retrieval/filter/index.js';
import { FIELD, strip } from './support.js';

const parse = (text: string) => {
  const e = parseFilter(text, FIELD);
  if (!e) throw new Error('empty');
  return e;
};
/** Canonical text of a parse: shows the tree's shape with explicit parentheses where needed. */
const shape = (text: string) => printFilter(parse(text));

const lit = (value: unknown) => ({ kind: 'literal', value });
const ref = (scope: string, name: string) => ({ kind: 'ref', scope, name });

describe('filter grammar', () => {
  it('treats empty and blank text as no filter', () => {
    expect(parseFilter('', FIELD)).toBeNull();
    expect(parseFilter('  \t\n ', FIELD)).toBeNull();
  });

  it('parses scoped references, literals and the comparison operators', () => {
    expect(strip(parse("doc.title = 'Annual Report'"))).toEqual({
      kind: 'compare', op: '=', left: ref('doc', 'title'), right: lit('Annual Report'),
    });
    for (const [text, op] of [['==', '='], ['=', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']]) {
      expect(strip(parse(`part.x ${text} 1`))).toMatchObject({ kind: 'compare', op, left: ref('part', 'x'), right: lit(1) });
    }
    expect(strip(parse('doc.a = true'))).toMatchObject({ right: lit(true) });
    expect(strip(parse('doc.a = FALSE'))).toMatchObject({ right: lit(false) });
    expect(strip(parse('doc.a = Null'))).toMatchObject({ right: lit(null) });
  });

  it('reads numbers: integers, decimals, exponents, and folds signs into literals', () => {
    const value = (text: string) => (strip(parse(`doc.x = ${text}`)) as { right: unknown }).right;
    expect(value('42')).toEqual(lit(42));
    expect(value('3.25')).toEqual(lit(3.25));
    expect(value('.5')).toEqual(lit(0.5));
    expect(value('5.')).toEqual(lit(5));
    expect(value('1e3')).toEqual(lit(1000));
    expect(value('2.5E-2')).toEqual(lit(0.025));
    expect(value('-5')).toEqual(lit(-5));
    expect(value('- 5')).toEqual(lit(-5));
    expect(value('+5')).toEqual(lit(5));
    expect(value('-(5)')).toEqual({ kind: 'unary', op: '-', operand: lit(5) });
    expect(value('- -5')).toEqual({ kind: 'unary', op: '-', operand: lit(-5) });
    expect(value('--5')).toEqual({ kind: 'unary', op: '-', operand: lit(-5) });
    expect(value('-doc.y')).toEqual({ kind: 'unary', op: '-', operand: ref('doc', 'y') });
  });

  it('reads text with doubled quotes, and double-quoted text', () => {
    expect(strip(parse("doc.a = 'it''s'"))).toMatchObject({ right: lit("it's") });
    expect(strip(parse("doc.a = ''''"))).toMatchObject({ right: lit("'") });
    expect(strip(parse("doc.a = ''"))).toMatchObject({ right: lit('') });
    expect(strip(parse('doc.a = "finance"'))).toMatchObject({ right: lit('finance') });
    expect(strip(parse("doc.a = 'AND ( OR'"))).toMatchObject({ right: lit('AND ( OR') });
  });

  it('reads dotted, unicode and quoted attribute names as one key', () => {
    expect(strip(parse('doc.author.name IS NULL'))).toMatchObject({ operand: ref('doc', 'author.name') });
    expect(strip(parse('doc.année = 1'))).toMatchObject({ left: ref('doc', 'année') });
    expect(strip(parse('doc.2021_sales = 1'))).toMatchObject({ left: ref('doc', '2021_sales') });
    expect(strip(parse('doc."release-date" = 1'))).toMatchObject({ left: ref('doc', 'release-date') });
    expect(strip(parse('part."say ""hi""" = 1'))).toMatchObject({ left: ref('part', 'say "hi"') });
    expect(strip(parse('doc.and = 1'))).toMatchObject({ left: ref('doc', 'and') });
    expect(strip(parse('DOC.x = 1 and Part.y = 2'))).toMatchObject({ operands: [{ left: ref('doc', 'x') }, { left: ref('part', 'y') }] });
  });

  it('takes keywords in any case and any whitespace', () => {
    const canonical = 'doc.a = 1 AND NOT doc.b IS NULL OR doc.c IN (1, 2)';
    expect(shape('doc.a=1 and not doc.b is null or doc.c in(1,2)')).toBe(canonical);
    expect(shape('doc.a = 1\n\tAnD\r\n NoT doc.b Is NuLl oR doc.c In ( 1 , 2 )')).toBe(canonical);
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(strip(parse('doc.a = 1 OR doc.b = 2 AND NOT doc.c = 3'))).toEqual({
      kind: 'or',
      operands: [
        { kind: 'compare', op: '=', left: ref('doc', 'a'), right: lit(1) },
        {
          kind: 'and',
          operands: [
            { kind: 'compare', op: '=', left: ref('doc', 'b'), right: lit(2) },
            { kind: 'not', operand: { kind: 'compare', op: '=', left: ref('doc', 'c'), right: lit(3) } },
          ],
        },
      ],
    });
    expect(shape('NOT doc.a = 1 AND doc.b = 2')).toBe('NOT doc.a = 1 AND doc.b = 2');
    expect((strip(parse('NOT doc.a = 1 AND doc.b = 2')) as { kind: string }).kind).toBe('and');
    expect(shape('NOT NOT doc.a = 1')).toBe('NOT NOT doc.a = 1');
  });

  it('keeps AND / OR chains flat, and parentheses as written', () => {
    expect((strip(parse('doc.a = 1 AND doc.b = 2 AND doc.c = 3')) as { operands: unknown[] }).operands).toHaveLength(3);
    expect(shape('(doc.a = 1 OR doc.b = 2) AND doc.c = 3')).toBe('(doc.a = 1 OR doc.b = 2) AND doc.c = 3');
    expect(shape('doc.a = 1 AND (doc.b = 2 AND doc.c = 3)')).toBe('doc.a = 1 AND (doc.b = 2 AND doc.c = 3)');
    expect(shape('((((doc.a = 1))))')).toBe('doc.a = 1');
  });

  it('follows the arithmetic precedence, left to right', () => {
    expect(shape('doc.a + doc.b * doc.c = 1')).toBe('doc.a + doc.b * doc.c = 1');
    expect(strip(parse('doc.a - doc.b - doc.c = 1'))).toMatchObject({
      left: { kind: 'arith', op: '-', left: { kind: 'arith', op: '-', left: ref('doc', 'a') }, right: ref('doc', 'c') },
    });
    expect(strip(parse('doc.a / 2 % 3 * 4 = 1'))).toMatchObject({
      left: { op: '*', left: { op: '%', left: { op: '/' } } },
    });
    expect(shape('(doc.a + doc.b) * doc.c = 1')).toBe('(doc.a + doc.b) * doc.c = 1');
    expect(shape('doc.a - (doc.b - doc.c) = 1')).toBe('doc.a - (doc.b - doc.c) = 1');
    expect(shape('doc.price * 1.1 > 100')).toBe('doc.price * 1.1 > 100');
  });

  it('puts ordering comparisons above equality, then IS NULL, then IN', () => {
    expect(strip(parse('doc.a < doc.b = doc.c > doc.d'))).toMatchObject({
      op: '=', left: { op: '<' }, right: { op: '>' },
    });
    expect(strip(parse('doc.a = 1 IS NULL'))).toMatchObject({ kind: 'isNull', operand: { kind: 'compare' } });
    expect(strip(parse('doc.a IS NULL IN (true)'))).toMatchObject({ kind: 'in', operand: { kind: 'isNull' } });
    expect(strip(parse('1609459200 < doc.pub_epoch and doc.pub_epoch < 1640995200'))).toMatchObject({ kind: 'and' });
  });

  it('parses IN lists, NOT IN, and IN over a list attribute', () => {
    expect(strip(parse("doc.category IN ('Science', 'History')"))).toEqual({
      kind: 'in', operand: ref('doc', 'category'), items: [lit('Science'), lit('History')], negated: false,
    });
    expect(strip(parse('doc.n NOT IN (1)'))).toMatchObject({ kind: 'in', negated: true, items: [lit(1)] });
    expect(strip(parse("'x' IN doc.tags"))).toMatchObject({ kind: 'in', operand: lit('x'), items: [ref('doc', 'tags')] });
    expect(shape("'x' IN doc.tags")).toBe("'x' IN (doc.tags)");
    expect(strip(parse('NOT doc.a IN (1, 2)'))).toMatchObject({ kind: 'not', operand: { kind: 'in' } });
    expect(strip(parse('doc.a IN (1 + 1, -2)'))).toMatchObject({ items: [{ kind: 'arith' }, lit(-2)] });
  });

  it('parses IS NULL and IS NOT NULL', () => {
    expect(strip(parse('doc.author IS NULL'))).toEqual({ kind: 'isNull', operand: ref('doc', 'author'), negated: false });
    expect(strip(parse('doc.author is not null'))).toEqual({ kind: 'isNull', operand: ref('doc', 'author'), negated: true });
  });

  it("parses the examples from Vectara's documentation", () => {
    for (const text of [
      "doc.rating > 3.0 and part.lang = 'deu'",
      "doc.industry = 'banking' AND doc.region = 'EU' AND doc.year = 2023",
      "doc.type = 'equity_policy' AND doc.country = 'CA' AND (doc.year = 2022 OR doc.year = 2024)",
      'doc.pagecount % 3 = 0',
      'doc.price - doc.discount <= 50',
      "NOT (doc.category IN ('Sports', 'Entertainment') AND doc.score >= 50)",
      'part.is_title <> true',
    ]) {
      const e = parse(text);
      expect(strip(parse(printFilter(e)))).toEqual(strip(e));
    }
  });

  it('records the column of each node', () => {
    const e = parse("doc.a = 1 AND part.b IN ('x')");
    expect(e).toMatchObject({ at: 11, operands: [{ at: 7, left: { at: 1 }, right: { at: 9 } }, { at: 22, operand: { at: 15 } }] });
  });
});
