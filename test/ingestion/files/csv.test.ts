import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/ingestion/files/csv.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';

const csv = 'name,city,"note, quoted"\r\nAda,London,"first ""programmer"""\r\nAlan,,\r\n\r\nGrace,Arlington,"multi\nline"\r\n';

describe('parseCsv', () => {
  it('extracts one table with the first row as headers', async () => {
    const parsed = await parseCsv(Buffer.from(csv), { filename: 'people.csv', extractTables: true });
    expect(parsed.title).toBeUndefined();
    expect(parsed.metadata).toEqual({ row_count: 3, column_count: 3 });
    expect(parsed.sections).toHaveLength(1);
    const table = parsed.sections[0]!.tables![0]!;
    expect(table.data!.headers).toEqual([[{ text_value: 'name' }, { text_value: 'city' }, { text_value: 'note, quoted' }]]);
    expect(table.data!.rows).toEqual([
      [{ text_value: 'Ada' }, { text_value: 'London' }, { text_value: 'first "programmer"' }],
      [{ text_value: 'Alan' }, { text_value: '' }, { text_value: '' }],
      [{ text_value: 'Grace' }, { text_value: 'Arlington' }, { text_value: 'multi\nline' }],
    ]);
  });

  it('writes rows as "header: value" lines without table extraction', async () => {
    const parsed = await parseCsv(Buffer.from(csv), { filename: 'people.csv', extractTables: false });
    expect(parsed.sections).toEqual([
      { text: 'name: Ada; city: London; note, quoted: first "programmer"\nname: Alan\nname: Grace; city: Arlington; note, quoted: multi\nline' },
    ]);
  });

  it('detects semicolons and tabs, strips the BOM', async () => {
    const semi = await parseCsv(Buffer.from('\ufeffa;b\n1,5;2\n'), { filename: 'x.csv', extractTables: true });
    expect(semi.sections[0]!.tables![0]!.data).toEqual({ headers: [[{ text_value: 'a' }, { text_value: 'b' }]], rows: [[{ text_value: '1,5' }, { text_value: '2' }]] });
    const tsv = await parseCsv(Buffer.from('a\tb, c\n1\t2\n'), { filename: 'x.tsv', extractTables: false });
    expect(tsv.sections[0]!.text).toBe('a: 1; b, c: 2');
  });

  it('handles empty files and header-only files', async () => {
    expect((await parseCsv(Buffer.from(''), { filename: 'x.csv', extractTables: true })).sections).toEqual([]);
    const headerOnly = await parseCsv(Buffer.from('a,b\n'), { filename: 'x.csv', extractTables: true });
    expect(headerOnly.sections[0]!.tables![0]!.data!.rows).toEqual([]);
  });

  it('refuses unbalanced quotes, truncated files and binary content', async () => {
    await expect(parseCsv(Buffer.from('a,b\n"unclosed,2\n3,4\n'), { filename: 'x.csv', extractTables: true })).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parseCsv(Buffer.from(csv.slice(0, csv.indexOf('multi') + 3)), { filename: 'x.csv', extractTables: false })).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parseCsv(randomBytes(4096), { filename: 'x.csv', extractTables: false })).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
