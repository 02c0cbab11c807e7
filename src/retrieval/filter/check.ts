/**
 * Semantic check of a parsed filter against a corpus's declared filter attributes.
 *
 * Resolution: `doc.x` must be a declared document-level attribute and `part.x` a part-level one.
 * The built-ins `doc.id` (text), `part.lang` (text) and `part.is_title` (boolean) always exist and
 * win over a declared attribute of the same name.
 *
 * Static types: number (integer and real_number), text, boolean, the type of `null` (fits
 * anywhere), and lists of numbers or of text. The rules:
 *  - arithmetic and signs take numbers; `<`, `<=`, `>`, `>=` compare two numbers or two texts;
 *    `=` and `!=` compare two values of one type;
 *  - a list attribute may only be tested for membership: `doc.tags = 'x'` (some element is 'x'),
 *    `doc.tags != 'x'` (none is), `'x' IN doc.tags` / `'x' IN ('y', doc.tags)` (a list item stands
 *    for its elements) and `doc.tags IN ('x', 'y')` (some element is one of them);
 *  - NOT, AND, OR and the whole filter take conditions (booleans).
 * Anything else is a 400 that names the attribute or operator and its column.
 */
import { invalidField } from '../../domain/errors.js';
import type { FilterAttributeRecord } from '../../storage/types.js';
import { describeRef, refKey, type FilterExpr, type Scope } from './ast.js';

export type AttributeType = FilterAttributeRecord['type'];

/** What a reference reaches: a built-in column, or a key of the scope's JSON metadata. */
export type ResolvedAttribute =
  | { source: 'builtin'; column: 'docId' | 'partLang' | 'partIsTitle'; type: 'text' | 'boolean' }
  | { source: 'metadata'; scope: Scope; name: string; type: AttributeType };

/** A filter that passed the check; the only input the compiler and the evaluator accept. */
export interface CheckedFilter {
  readonly expr: FilterExpr;
  /** Every reference in `expr`, keyed by refKey(scope, name). */
  readonly attributes: ReadonlyMap<string, ResolvedAttribute>;
}

export interface CheckOptions {
  /** Request field the filter came from, e.g. 'search.corpora.0.metadata_filter'. */
  field: string;
  /** Named in messages about undeclared attributes. */
  corpusKey: string;
  /** False where only document metadata exists (listing documents): any part.* is a 400. */
  allowPart?: boolean;
}

type Scalar = 'number' | 'text' | 'boolean';
type StaticType = Scalar | 'null' | { list: 'number' | 'text' };

const BUILTINS: Record<string, ResolvedAttribute> = {
  [refKey('doc', 'id')]: { source: 'builtin', column: 'docId', type: 'text' },
  [refKey('part', 'lang')]: { source: 'builtin', column: 'partLang', type: 'text' },
  [refKey('part', 'is_title')]: { source: 'builtin', column: 'partIsTitle', type: 'boolean' },
};

export const staticTypeOf = (type: AttributeType): StaticType => {
  switch (type) {
    case 'integer':
    case 'real_number':
      return 'number';
    case 'text':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'list[integer]':
    case 'list[real_number]':
      return { list: 'number' };
    case 'list[text]':
      return { list: 'text' };
  }
};

const describeType = (t: StaticType): string =>
  typeof t === 'string' ? (t === 'null' ? 'null' : t) : t.list === 'number' ? 'a list of numbers' : 'a list of text';

const isList = (t: StaticType): t is { list: 'number' | 'text' } => typeof t !== 'string';

/** The scalar a value of this type is compared as: a list compares through its elements. */
const scalarOf = (t: StaticType): Scalar | 'null' => (isList(t) ? t.list : t);

const compatible = (a: Scalar | 'null', b: Scalar | 'null'): boolean => a === 'null' || b === 'null' || a === b;

export function checkFilter(
  expr: FilterExpr,
  declared: readonly FilterAttributeRecord[],
  options: CheckOptions,
): CheckedFilter {
  const { field, corpusKey } = options;
  const allowPart = options.allowPart ?? true;
  const fail = (message: string): never => {
    throw invalidField(field, message);
  };
  const attributes = new Map<string, ResolvedAttribute>();

  const resolve = (scope: Scope, name: string, at: number): ResolvedAttribute => {
    const ref = describeRef(scope, name);
    if (scope === 'part' && !allowPart) {
      fail(`${ref} at column ${at} is a part-level attribute; only doc.* attributes can be used here`);
    }
    const key = refKey(scope, name);
    const builtin = BUILTINS[key];
    if (builtin) return builtin;
    const level = scope === 'doc' ? 'document' : 'part';
    const found = declared.find((a) => a.name === name && a.level === level);
    if (found) return { source: 'metadata', scope, name, type: found.type };
    const other = declared.find((a) => a.name === name);
    const hint = other
      ? `; it is declared at ${other.level} level, so write ${describeRef(other.level === 'document' ? 'doc' : 'part', name)}`
      : '; declare it to filter on it';
    return fail(`${ref} (column ${at}) is not a filter attribute of corpus '${corpusKey}'${hint}`);
  };

  const mustBeCondition = (t: StaticType, what: string): void => {
    if (t !== 'boolean' && t !== 'null') fail(`${what} must be a condition (true or false), but it is ${describeType(t)}`);
  };

  const noList = (t: StaticType, what: string): Scalar | 'null' => {
    if (isList(t)) fail(`${what} cannot be ${describeType(t)}; lists can only be tested with =, != or IN`);
    return t as Scalar | 'null';
  };

  const typeOf = (e: FilterExpr): StaticType => {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : typeof e.value === 'number' ? 'number' : typeof e.value === 'string' ? 'text' : 'boolean';
      case 'ref': {
        const resolved = resolve(e.scope, e.name, e.at);
        attributes.set(refKey(e.scope, e.name), resolved);
        return staticTypeOf(resolved.type);
      }
      case 'unary': {
        const t = noList(typeOf(e.operand), `the operand of sign '${e.op}' at column ${e.at}`);
        if (t !== 'number' && t !== 'null') fail(`sign '${e.op}' at column ${e.at} needs a number, not ${t}`);
        return 'number';
      }
      case 'arith': {
        const what = `operator '${e.op}' at column ${e.at}`;
        for (const [side, operand] of [['left', e.left], ['right', e.right]] as const) {
          const t = noList(typeOf(operand), `the ${side} operand of ${what}`);
          if (t !== 'number' && t !== 'null') fail(`${what} needs numbers, but its ${side} operand is ${t}`);
        }
        return 'number';
      }
      case 'compare': {
        const what = `operator '${e.op}' at column ${e.at}`;
        const left = typeOf(e.left);
        const right = typeOf(e.right);
        if (isList(left) || isList(right)) {
          if (isList(left) && isList(right)) fail(`${what} cannot compare two lists`);
          if (e.op !== '=' && e.op !== '!=') {
            fail(`${what} cannot be used on a list; test membership with =, != or IN`);
          }
        } else if (e.op !== '=' && e.op !== '!=') {
          for (const t of [left, right]) {
            if (t === 'boolean') fail(`${what} compares numbers or text, not booleans`);
          }
        }
        const [l, r] = [scalarOf(left), scalarOf(right)];
        if (!compatible(l, r)) fail(`${what} cannot compare ${describeType(left)} with ${describeType(right)}`);
        return 'boolean';
      }
      case 'isNull':
        typeOf(e.operand);
        return 'boolean';
      case 'in': {
        const what = `IN at column ${e.at}`;
        const operand = typeOf(e.operand);
        let element: Scalar | 'null' = scalarOf(operand);
        for (const item of e.items) {
          const t = typeOf(item);
          if (isList(t) && isList(operand)) fail(`${what} cannot match a list against another list`);
          const s = scalarOf(t);
          if (!compatible(element, s)) fail(`${what} mixes ${describeType(element)} with ${describeType(t)}`);
          if (element === 'null') element = s;
        }
        return 'boolean';
      }
      case 'not':
        mustBeCondition(typeOf(e.operand), `the operand of NOT at column ${e.at}`);
        return 'boolean';
      case 'and':
      case 'or': {
        const word = e.kind.toUpperCase();
        e.operands.forEach((operand, i) => {
          mustBeCondition(typeOf(operand), `operand ${i + 1} of ${word} at column ${e.at}`);
        });
        return 'boolean';
      }
    }
  };

  mustBeCondition(typeOf(expr), 'the filter');
  return { expr, attributes };
}
