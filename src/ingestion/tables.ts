/**
 * Tables carried by core documents and by sections of structured documents.
 *
 * A table is kept whole in the document's `tables` list and is also made searchable as text:
 *  - one "caption" part: the title and the description, each on its own line, when there is one;
 *  - one "row" part per body row, rendered "Header: value; Header: value" (a column without a
 *    header shows the bare value; blank cells are left out; a row with nothing left gives no part).
 * Column labels come from all header rows: a column under a spanning group header and a sub-header
 * is labelled "Group / Sub". Row and column spans are laid out as in HTML: a cell with rowspan
 * repeats in each row it covers, so every row part reads on its own.
 */
import { invalidField } from '../domain/errors.js';
import { optionalArray, optionalText, requireText } from './checks.js';
import type { TableBody } from './documents.js';
import type { TableCell } from './types.js';

const VALUE_FIELDS = ['text_value', 'int_value', 'float_value', 'bool_value'] as const;

/** Validates one cell: exactly one value of the right type; spans are positive integers. */
function checkCell(cell: unknown, path: string): TableCell {
  if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) {
    throw invalidField(path, 'a table cell must be an object');
  }
  const c = cell as Record<string, unknown>;
  const given = VALUE_FIELDS.filter((field) => c[field] !== undefined && c[field] !== null);
  if (given.length !== 1) {
    throw invalidField(path, 'a table cell needs exactly one of text_value, int_value, float_value, bool_value');
  }
  if (c.text_value !== undefined && c.text_value !== null) requireText(c.text_value, `${path}.text_value`);
  if (c.int_value != null && !Number.isInteger(c.int_value)) throw invalidField(`${path}.int_value`, 'must be an integer');
  if (c.float_value != null && (typeof c.float_value !== 'number' || !Number.isFinite(c.float_value))) {
    throw invalidField(`${path}.float_value`, 'must be a finite number');
  }
  if (c.bool_value != null && typeof c.bool_value !== 'boolean') throw invalidField(`${path}.bool_value`, 'must be a boolean');
  for (const span of ['colspan', 'rowspan'] as const) {
    const v = c[span];
    if (v != null && (!Number.isInteger(v) || (v as number) < 1)) throw invalidField(`${path}.${span}`, 'must be a positive integer');
  }
  return c as TableCell;
}

/** Validates a table's fields and cells; `path` is where the table sits, e.g. "sections.0.tables.1". */
export function checkTable(table: unknown, path: string): TableBody {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw invalidField(path, 'must be an object');
  const t = table as TableBody;
  optionalText(t.id, `${path}.id`);
  optionalText(t.title, `${path}.title`);
  optionalText(t.description, `${path}.description`);
  if (t.data !== undefined && t.data !== null) {
    for (const kind of ['headers', 'rows'] as const) {
      optionalArray(t.data[kind], `${path}.data.${kind}`).forEach((row, r) => {
        optionalArray(row, `${path}.data.${kind}.${r}`).forEach((cell, i) => checkCell(cell, `${path}.data.${kind}.${r}.${i}`));
      });
    }
  }
  return t;
}

/**
 * Gives every table an id unique within the document: given ids are kept (a repeated one is a 400
 * at its path); missing or empty ones become "table_1", "table_2", ... in document order,
 * skipping numbers a given id already uses.
 */
export function assignTableIds(tables: Array<{ table: TableBody; path: string }>): string[] {
  const firstUse = new Map<string, string>();
  for (const { table, path } of tables) {
    if (!table.id) continue;
    const earlier = firstUse.get(table.id);
    if (earlier !== undefined) throw invalidField(`${path}.id`, `duplicate table id '${table.id}' (also at ${earlier})`);
    firstUse.set(table.id, path);
  }
  let counter = 0;
  return tables.map(({ table }) => {
    if (table.id) return table.id;
    let id: string;
    do id = `table_${++counter}`;
    while (firstUse.has(id));
    firstUse.set(id, 'generated');
    return id;
  });
}

/** The table's caption text (title and description), or '' when it has neither. */
export function tableCaption(table: TableBody): string {
  return [table.title, table.description]
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter((s) => s.length > 0)
    .join('\n');
}

interface Placed {
  col: number;
  span: number;
  cell: TableCell;
}

/** HTML-style layout: where each cell of each row sits, rowspans repeated in the rows they cover. */
function layout(rows: TableCell[][]): Placed[][] {
  let carried: Array<Placed & { rowsLeft: number }> = [];
  return rows.map((row) => {
    const placed: Placed[] = [];
    const active = carried.slice().sort((a, b) => a.col - b.col);
    let col = 0;
    let k = 0;
    const next: typeof carried = [];
    for (const cell of row) {
      // Skip columns still occupied by cells spanning down from rows above.
      for (let a = active[k]; a && a.col <= col; a = active[++k]) col = Math.max(col, a.col + a.span);
      const span = cell.colspan ?? 1;
      placed.push({ col, span, cell });
      if ((cell.rowspan ?? 1) > 1) next.push({ col, span, cell, rowsLeft: (cell.rowspan ?? 1) - 1 });
      col += span;
    }
    for (const a of active) {
      placed.push(a);
      if (a.rowsLeft > 1) next.push({ ...a, rowsLeft: a.rowsLeft - 1 });
    }
    carried = next;
    return placed.sort((a, b) => a.col - b.col);
  });
}

const cellText = (cell: TableCell): string => {
  if (typeof cell.text_value === 'string') return cell.text_value.trim();
  const value = cell.int_value ?? cell.float_value ?? cell.bool_value;
  return value === undefined || value === null ? '' : String(value);
};

/** Labels of the header cells over columns [col, col + span), top header row first, deduplicated. */
function headerLabel(headerRows: Placed[][], col: number, span: number): string {
  const labels: string[] = [];
  for (const row of headerRows) {
    // Cells of one row are sorted and disjoint: binary-search the first one ending after `col`.
    let lo = 0;
    let hi = row.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = row[mid] as Placed;
      if (p.col + p.span <= col) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < row.length && (row[i] as Placed).col < col + span; i++) {
      const text = cellText((row[i] as Placed).cell);
      if (text && !labels.includes(text)) labels.push(text);
    }
  }
  return labels.join(' / ');
}

/** One rendered text per body row ('' for a row with no non-blank cell), index-aligned with rows. */
export function renderTableRows(table: TableBody): string[] {
  const headerRows = layout(optionalArray(table.data?.headers, 'data.headers'));
  return layout(optionalArray(table.data?.rows, 'data.rows')).map((row) =>
    row
      .map(({ col, span, cell }) => {
        const value = cellText(cell);
        if (!value) return '';
        const label = headerLabel(headerRows, col, span);
        return label ? `${label}: ${value}` : value;
      })
      .filter((piece) => piece.length > 0)
      .join('; '),
  );
}
