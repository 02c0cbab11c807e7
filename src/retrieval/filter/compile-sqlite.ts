/**
 * Compiles a checked filter into a parameterised SQLite boolean expression with the semantics of
 * semantics.ts (three-valued logic; the fragment is 1, 0 or NULL, and a WHERE keeps only 1).
 *
 * Contract for `columns`: SQL expressions the caller's query can evaluate, qualified with a
 * table alias (e.g. 'd.metadata', not 'metadata': list tests run a json_each() sub-query whose
 * own columns, such as `id`, `key`, `value` and `type`, would capture unqualified names; the
 * aliases `qf_e` and `qf_t` are reserved). The metadata columns hold valid JSON text (or NULL;
 * SQLite's JSON functions raise an error on malformed JSON); docId and partLang hold text or
 * NULL; partIsTitle holds 1, 0 or NULL. Part columns may be omitted for filters checked with
 * `allowPart: false`. Text comparisons force BINARY collation whatever the columns declare.
 * `%` uses SQLite's mod() math function (built into better-sqlite3).
 *
 * Values only ever travel as parameters. The one thing written into the SQL text is the JSON
 * path of a declared attribute name, built as `$."<name>"` with JSON string escaping (SQLite
 * decodes \" \\ \u0041-style in quoted path labels) inside an SQL literal with doubled single quotes,
 * so dots, quotes and control characters in names are safe and match exactly one top-level key.
 */
import type { FilterExpr, RefExpr } from './ast.js';
import { refKey } from './ast.js';
import type { AttributeType, CheckedFilter, ResolvedAttribute } from './check.js';

export interface FilterColumns {
  docMetadata: string;
  docId: string;
  partMetadata?: string;
  partLang?: string;
  partIsTitle?: string;
}

export interface CompiledFilter {
  sql: string;
  params: unknown[];
}

/** An SQL fragment with its parameters, in textual order. */
interface Frag {
  sql: string;
  params: unknown[];
}

/** Template tag joining text and fragments; parameters keep the order they appear in. */
function q(strings: TemplateStringsArray, ...parts: Array<Frag | string>): Frag {
  let sql = strings[0] ?? '';
  const params: unknown[] = [];
  parts.forEach((part, i) => {
    if (typeof part === 'string') sql += part;
    else {
      sql += part.sql;
      params.push(...part.params);
    }
    sql += strings[i + 1] ?? '';
  });
  return { sql, params };
}

const param = (value: unknown): Frag => ({ sql: '?', params: [value] });

const join = (frags: Frag[], separator: string): Frag => ({
  sql: frags.map((f) => f.sql).join(separator),
  params: frags.flatMap((f) => f.params),
});

/** The SQL string literal holding the JSON path of one top-level key. */
export const jsonPathLiteral = (name: string): string => `'${`$.${JSON.stringify(name)}`.replaceAll("'", "''")}'`;

const NUMBER_TYPES = "('integer','real')";

type MetadataAttribute = Extract<ResolvedAttribute, { source: 'metadata' }>;

export function compileFilter(filter: CheckedFilter, columns: FilterColumns): CompiledFilter {
  const column = (key: keyof FilterColumns): string => {
    const c = columns[key];
    if (!c) throw new Error(`compileFilter needs the '${key}' column for this filter`);
    return c;
  };

  const attribute = (ref: RefExpr): ResolvedAttribute => {
    const resolved = filter.attributes.get(refKey(ref.scope, ref.name));
    if (!resolved) throw new Error(`filter reference ${ref.scope}.${ref.name} was not checked`);
    return resolved;
  };

  const location = (a: MetadataAttribute): [string, string] => [
    column(a.scope === 'doc' ? 'docMetadata' : 'partMetadata'),
    jsonPathLiteral(a.name),
  ];

  const listRef = (e: FilterExpr): MetadataAttribute | undefined => {
    if (e.kind !== 'ref') return undefined;
    const a = attribute(e);
    return a.source === 'metadata' && a.type.startsWith('list') ? a : undefined;
  };

  /** Reads a scalar attribute; a stored value of the wrong JSON type reads as NULL. */
  const scalar = (col: string, path: string, type: AttributeType): string => {
    switch (type) {
      case 'integer':
      case 'real_number':
        return `(CASE WHEN json_type(${col}, ${path}) IN ${NUMBER_TYPES} THEN CAST(json_extract(${col}, ${path}) AS REAL) END)`;
      case 'text':
        return `(CASE WHEN json_type(${col}, ${path}) = 'text' THEN json_extract(${col}, ${path}) END)`;
      case 'boolean':
        return `(CASE json_type(${col}, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
      default:
        throw new Error('a list attribute was used as a single value');
    }
  };

  /**
   * Three-valued "some element satisfies test": NULL when the attribute is not an array, else
   * 1 if any element gives 1, NULL if none does but some give NULL, else 0 (also when empty).
   */
  const anyElement = (a: MetadataAttribute, test: (element: string) => Frag): Frag => {
    const [col, path] = location(a);
    const types = a.type === 'list[text]' ? "('text')" : NUMBER_TYPES;
    const element = a.type === 'list[text]' ? 'qf_e.value' : 'CAST(qf_e.value AS REAL)';
    const tests = q`SELECT (${test(element)}) AS qf_t FROM json_each(${col}, ${path}) AS qf_e WHERE qf_e.type IN ${types}`;
    const or3 = q`SELECT CASE WHEN MAX(qf_t) = 1 THEN 1 WHEN COUNT(*) > COUNT(qf_t) THEN NULL ELSE 0 END FROM (${tests})`;
    return q`(CASE WHEN json_type(${col}, ${path}) = 'array' THEN (${or3}) END)`;
  };

  const equals = (left: Frag | string, right: Frag | string): Frag => q`(${left} = ${right} COLLATE BINARY)`;

  /** Balanced nesting keeps long AND / OR chains shallow for SQLite's depth limit. */
  const balanced = (operands: FilterExpr[], word: string): Frag => {
    if (operands.length === 1) return expr(operands[0] as FilterExpr);
    const mid = Math.ceil(operands.length / 2);
    return q`(${balanced(operands.slice(0, mid), word)} ${word} ${balanced(operands.slice(mid), word)})`;
  };

  const expr = (e: FilterExpr): Frag => {
    switch (e.kind) {
      case 'literal':
        if (e.value === null) return { sql: 'NULL', params: [] };
        return param(typeof e.value === 'boolean' ? (e.value ? 1 : 0) : e.value);
      case 'ref': {
        const a = attribute(e);
        if (a.source === 'builtin') return { sql: `(${column(a.column)})`, params: [] };
        const [col, path] = location(a);
        return { sql: scalar(col, path, a.type), params: [] };
      }
      case 'unary':
        return e.op === '-' ? q`(- ${expr(e.operand)})` : q`(+ ${expr(e.operand)})`;
      case 'arith':
        return e.op === '%'
          ? q`mod(${expr(e.left)}, ${expr(e.right)})`
          : q`(CAST(${expr(e.left)} AS REAL) ${e.op} ${expr(e.right)})`;
      case 'compare': {
        const list = listRef(e.left) ?? listRef(e.right);
        if (list) {
          const other = expr(listRef(e.left) ? e.right : e.left);
          const member = anyElement(list, (element) => equals(element, other));
          return e.op === '=' ? member : q`(NOT ${member})`;
        }
        const op = e.op === '!=' ? '<>' : e.op;
        return q`(${expr(e.left)} ${op} ${expr(e.right)} COLLATE BINARY)`;
      }
      case 'isNull': {
        const list = listRef(e.operand);
        if (list) {
          const [col, path] = location(list);
          return { sql: `(json_type(${col}, ${path}) IS ${e.negated ? '' : 'NOT '}'array')`, params: [] };
        }
        return q`(${expr(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      }
      case 'in': {
        const result = inTest(e.operand, e.items);
        return e.negated ? q`(NOT ${result})` : result;
      }
      case 'not':
        return q`(NOT ${expr(e.operand)})`;
      case 'and':
        return balanced(e.operands, 'AND');
      case 'or':
        return balanced(e.operands, 'OR');
    }
  };

  const inTest = (operand: FilterExpr, items: FilterExpr[]): Frag => {
    const operandList = listRef(operand);
    if (operandList) {
      const set = join(items.map(expr), ', ');
      return anyElement(operandList, (element) => q`(${element} COLLATE BINARY IN (${set}))`);
    }
    const v = expr(operand);
    const scalars = items.filter((item) => !listRef(item));
    const tests: Frag[] = [];
    if (scalars.length > 0) tests.push(q`(${v} COLLATE BINARY IN (${join(scalars.map(expr), ', ')}))`);
    for (const item of items) {
      const list = listRef(item);
      if (list) tests.push(anyElement(list, (element) => equals(element, v)));
    }
    return tests.length === 1 ? (tests[0] as Frag) : q`(${join(tests, ' OR ')})`;
  };

  const result = expr(filter.expr);
  return { sql: result.sql, params: result.params };
}
