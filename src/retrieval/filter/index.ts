/**
 * Metadata filters: Vectara's SQL-like `metadata_filter` language.
 *
 *   parseFilter(text, field)            text -> tree (null for an empty filter); 400 on bad syntax
 *   checkFilter(tree, attributes, opts) resolves attributes, checks types; 400 when undeclared/ill-typed
 *   compileFilter(checked, columns)     -> { sql, params }: a SQLite boolean expression for a WHERE
 *   evaluateFilter(checked, row)        the same semantics in memory
 *   printFilter(tree)                   canonical text
 *
 * prepareFilter() runs the first two steps, the usual entry point for a request field.
 */
import type { FilterAttributeRecord } from '../../storage/types.js';
import { checkFilter, type CheckedFilter, type CheckOptions } from './check.js';
import { parseFilter } from './parser.js';

export type { FilterExpr, Scope, LiteralValue } from './ast.js';
export { MAX_FILTER_DEPTH } from './ast.js';
export { parseFilter } from './parser.js';
export { checkFilter } from './check.js';
export type { CheckedFilter, CheckOptions, ResolvedAttribute, AttributeType } from './check.js';
export { compileFilter } from './compile-sqlite.js';
export type { CompiledFilter, FilterColumns } from './compile-sqlite.js';
export { evaluateFilter } from './evaluate.js';
export type { FilterRow } from './evaluate.js';
export { printFilter } from './print.js';

/**
 * Parses and checks a request's filter text. Returns null when there is nothing to filter on
 * (absent, empty or blank text). Throws a 400 QuarryError for `options.field` otherwise.
 */
export function prepareFilter(
  text: string | null | undefined,
  attributes: readonly FilterAttributeRecord[],
  options: CheckOptions,
): CheckedFilter | null {
  if (text === null || text === undefined) return null;
  const expr = parseFilter(text, options.field);
  return expr === null ? null : checkFilter(expr, attributes, options);
}
