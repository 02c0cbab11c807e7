/**
 * In-memory evaluator for checked filters: the reference semantics (see semantics.ts) that the
 * SQL compiler must reproduce. Useful wherever rows are already in memory, and as the oracle in
 * the property tests.
 */
import { refKey, type FilterExpr, type RefExpr } from './ast.js';
import type { CheckedFilter, ResolvedAttribute } from './check.js';
import {
  any3,
  all3,
  arithmetic,
  compare,
  not3,
  readList,
  readScalar,
  truth,
  type Truth,
  type Value,
} from './semantics.js';

/**
 * One candidate row: a document part with its document. Metadata objects are parsed JSON (the
 * same JSON the database holds). Absent fields read as null, so a document-only row is fine
 * for filters checked with `allowPart: false`.
 */
export interface FilterRow {
  docId?: string | null;
  docMetadata?: unknown;
  partMetadata?: unknown;
  partLang?: string | null;
  /** Parts that are neither marked title nor non-title read as null (unknown). */
  partIsTitle?: boolean | null;
}

/** True when the row passes the filter (unknown counts as not passing, as in SQL WHERE). */
export function evaluateFilter(filter: CheckedFilter, row: FilterRow): boolean {
  const attribute = (ref: RefExpr): ResolvedAttribute => {
    const resolved = filter.attributes.get(refKey(ref.scope, ref.name));
    if (!resolved) throw new Error(`filter reference ${ref.scope}.${ref.name} was not checked`);
    return resolved;
  };

  const listOf = (e: FilterExpr): Value[] | null | undefined => {
    if (e.kind !== 'ref') return undefined;
    const a = attribute(e);
    if (a.source !== 'metadata' || !a.type.startsWith('list')) return undefined;
    return readList(a.scope === 'doc' ? row.docMetadata : row.partMetadata, a.name, a.type);
  };

  const value = (e: FilterExpr): Value => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'ref': {
        const a = attribute(e);
        if (a.source === 'builtin') {
          const v = a.column === 'docId' ? row.docId : a.column === 'partLang' ? row.partLang : row.partIsTitle;
          return v ?? null;
        }
        if (a.type.startsWith('list')) throw new Error('a list attribute was used as a single value');
        return readScalar(a.scope === 'doc' ? row.docMetadata : row.partMetadata, a.name, a.type);
      }
      case 'unary': {
        const v = value(e.operand);
        return typeof v !== 'number' ? null : e.op === '-' ? -v : v;
      }
      case 'arith':
        return arithmetic(e.op, value(e.left), value(e.right));
      default:
        return condition(e);
    }
  };

  const condition = (e: FilterExpr): Truth => {
    switch (e.kind) {
      case 'compare': {
        const left = listOf(e.left);
        const right = listOf(e.right);
        if (left !== undefined || right !== undefined) {
          const list = left !== undefined ? left : (right as Value[] | null);
          const other = value(left !== undefined ? e.right : e.left);
          if (list === null) return null;
          const member = any3(list, (el) => compare('=', el, other));
          return e.op === '=' ? member : not3(member);
        }
        return compare(e.op, value(e.left), value(e.right));
      }
      case 'isNull': {
        const list = listOf(e.operand);
        const missing = list !== undefined ? list === null : value(e.operand) === null;
        return e.negated ? !missing : missing;
      }
      case 'in': {
        const operandList = listOf(e.operand);
        let result: Truth;
        if (operandList !== undefined) {
          const items = e.items.map(value);
          result = operandList === null ? null : any3(operandList, (el) => any3(items, (item) => compare('=', el, item)));
        } else {
          const v = value(e.operand);
          result = any3(e.items, (item) => {
            const list = listOf(item);
            if (list === undefined) return compare('=', v, value(item));
            return list === null ? null : any3(list, (el) => compare('=', v, el));
          });
        }
        return e.negated ? not3(result) : result;
      }
      case 'not':
        return not3(condition(e.operand));
      case 'and':
        return all3(e.operands, condition);
      case 'or':
        return any3(e.operands, condition);
      default:
        return truth(value(e));
    }
  };

  return condition(filter.expr) === true;
}
