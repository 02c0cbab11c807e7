import { describe, expect, it } from 'vitest';
import { assignTableIds, checkTable, renderTableRows, tableCaption } from '../../src/ingestion/tables.js';
import type { TableBody } from '../../src/ingestion/documents.js';
import type { TableCell } from '../../src/ingestion/types.js';
import { fieldErrors } from './support.js';

const t = (text_value: string, extra: Partial<TableCell> = {}): TableCell => ({ text_value, ...extra });

describe('table rendering', () => {
  it('renders each row as "Header: value" pairs, with typed values', () => {
    const table: TableBody = {
      data: {
        headers: [[t('Customer'), t('Balance'), t('Active'), t('Orders')]],
        rows: [
          [t('Acme Corp'), { float_value: 10230.25 }, { bool_value: true }, { int_value: 12 }],
          [t('Beta'), { float_value: 8750 }, { bool_value: false }, { int_value: 0 }],
        ],
      },
    };
    expect(renderTableRows(table)).toEqual([
      'Customer: Acme Corp; Balance: 10230.25; Active: true; Orders: 12',
      'Customer: Beta; Balance: 8750; Active: false; Orders: 0',
    ]);
  });

  it('labels columns under grouped headers, and expands colspans and rowspans', () => {
    const table: TableBody = {
      data: {
        headers: [
          [t('Region', { rowspan: 2 }), t('Revenue', { colspan: 2 })],
          [t('2023'), t('2024')],
        ],
        rows: [
          [t('EU', { rowspan: 2 }), t('10'), t('12')],
          [t('n/a', { colspan: 2 })],
        ],
      },
    };
    expect(renderTableRows(table)).toEqual([
      'Region: EU; Revenue / 2023: 10; Revenue / 2024: 12',
      'Region: EU; Revenue / 2023 / 2024: n/a',
    ]);
  });

  it('shows bare values without headers, leaves blank cells and blank rows out', () => {
    const table: TableBody = { data: { headers: [[t('A')]], rows: [[t('x'), t(' '), t('y')], [t(''), t('  ')]] } };
    expect(renderTableRows(table)).toEqual(['A: x; y', '']);
    expect(renderTableRows({})).toEqual([]);
  });

  it('copes with absurd spans without allocating per column', () => {
    const table: TableBody = { data: { headers: [[t('Wide', { colspan: 2_000_000_000 })]], rows: [[t('v', { colspan: 2_000_000_000, rowspan: 2_000_000_000 })], []] } };
    expect(renderTableRows(table)).toEqual(['Wide: v', 'Wide: v']);
  });

  it('captions with title and description', () => {
    expect(tableCaption({ title: ' Items ', description: 'Billed lines.' })).toBe('Items\nBilled lines.');
    expect(tableCaption({ description: 'Only this' })).toBe('Only this');
    expect(tableCaption({})).toBe('');
  });
});

describe('table validation', () => {
  const withCell = (cell: unknown): TableBody => ({ data: { rows: [[t('ok'), cell as TableCell]] } });

  it('needs exactly one value per cell, of the right type', () => {
    const cases: unknown[] = [
      {},
      { text_value: 'a', int_value: 1 },
      { int_value: 1.5 },
      { float_value: Number.POSITIVE_INFINITY },
      { bool_value: 'yes' },
      { text_value: 'bad \ud800' },
      'not a cell',
    ];
    for (const cell of cases) {
      const key = Object.keys(fieldErrors(() => checkTable(withCell(cell), 'tables.2')))[0];
      expect(key?.startsWith('tables.2.data.rows.0.1')).toBe(true);
    }
  });

  it('needs positive integer spans', () => {
    for (const span of [0, -1, 1.5]) {
      expect(fieldErrors(() => checkTable(withCell({ text_value: 'a', colspan: span }), 'tables.0'))).toHaveProperty([
        'tables.0.data.rows.0.1.colspan',
      ]);
      expect(fieldErrors(() => checkTable(withCell({ text_value: 'a', rowspan: span }), 'tables.0'))).toHaveProperty([
        'tables.0.data.rows.0.1.rowspan',
      ]);
    }
    expect(checkTable(withCell({ text_value: 'a', colspan: 2, rowspan: 3 }), 'tables.0')).toBeDefined();
  });

  it('checks header cells and titles too', () => {
    expect(fieldErrors(() => checkTable({ data: { headers: [[{}]] } }, 'tables.0'))).toHaveProperty(['tables.0.data.headers.0.0']);
    expect(fieldErrors(() => checkTable({ title: '\udc00' }, 'tables.0'))).toHaveProperty(['tables.0.title']);
  });
});

describe('assignTableIds', () => {
  it('keeps given ids and numbers the others, skipping taken numbers', () => {
    const ids = assignTableIds([
      { table: {}, path: 'tables.0' },
      { table: { id: 'table_1' }, path: 'tables.1' },
      { table: { id: '' }, path: 'tables.2' },
    ]);
    expect(ids).toEqual(['table_2', 'table_1', 'table_3']);
  });

  it('rejects a repeated id at its path', () => {
    const tables = [{ table: { id: 'a' }, path: 'tables.0' }, { table: { id: 'a' }, path: 'tables.1' }];
    expect(fieldErrors(() => assignTableIds(tables))).toHaveProperty(['tables.1.id']);
  });
});
