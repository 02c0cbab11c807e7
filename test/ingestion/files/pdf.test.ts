import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../../src/ingestion/files/pdf.js';
import { FILE_LIMITS, UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { emptyPagesPdf, makePdf, SAMPLE_PDF_TABLE, samplePdf } from './fixtures/pdf.js';

const opts = { filename: 'report.pdf', extractTables: true };
const sample = samplePdf;

describe('parsePdf', () => {
  it('extracts one section per page with its text, skipping empty pages', async () => {
    const parsed = await parsePdf(await sample(), opts);
    expect(parsed.title).toBe('Northern Report');
    expect(parsed.metadata).toMatchObject({
      title: 'Northern Report',
      author: 'Ada Lovelace',
      created_at: '2024-03-05T10:20:30.000Z',
      modified_at: '2024-04-01T08:00:00.000Z',
      page_count: 4,
    });
    expect(parsed.sections.map((s) => s.metadata)).toEqual([{ page: 1 }, { page: 2 }, { page: 4 }]);
    const [one, two] = parsed.sections;
    expect(one!.text).toBe(
      'Quarterly report for the northern region.\nRevenue grew across every product line this quarter.\n\n' +
        'A second paragraph, well below the first.',
    );
    expect(two!.text).toBe('Page two talks about logistics and shipping routes.');
  });

  it('reads every page of a long PDF, across the periodic pdfjs cleanups (fonts re-read)', async () => {
    const pages = 45;
    const pdf = await makePdf((doc) => {
      for (let p = 1; p <= pages; p += 1) {
        if (p > 1) doc.addPage();
        doc.font(p % 2 ? 'Helvetica' : 'Times-Roman').fontSize(12).text(`Harbour page ${p} of the long report.`);
        if (p === 41) SAMPLE_PDF_TABLE.forEach((row, r) => row.forEach((cell, c) => doc.text(cell, 72 + c * 150, 200 + r * 18, { lineBreak: false })));
      }
    });
    const parsed = await parsePdf(pdf, opts);
    expect(parsed.sections.map((s) => s.metadata)).toEqual(Array.from({ length: pages }, (_, i) => ({ page: i + 1 })));
    expect(parsed.sections.map((s) => s.text)).toEqual(Array.from({ length: pages }, (_, i) => `Harbour page ${i + 1} of the long report.`));
    expect(parsed.sections[40]!.tables).toEqual([
      { data: { headers: [SAMPLE_PDF_TABLE[0]!.map((text_value) => ({ text_value }))], rows: SAMPLE_PDF_TABLE.slice(1).map((r) => r.map((text_value) => ({ text_value }))) } },
    ]);
  });

  it('turns aligned columns into a table (first row as headers) when asked', async () => {
    const parsed = await parsePdf(await sample(), opts);
    const page4 = parsed.sections[2]!;
    expect(page4.tables).toEqual([
      {
        data: {
          headers: [[{ text_value: 'Warehouse' }, { text_value: 'Item' }, { text_value: 'Units' }]],
          rows: [
            [{ text_value: 'Oslo' }, { text_value: 'Bolts' }, { text_value: '1200' }],
            [{ text_value: 'Bergen' }, { text_value: 'Nuts' }, { text_value: '640' }],
            [{ text_value: 'Tromso' }, { text_value: 'Washers' }, { text_value: '75' }],
          ],
        },
      },
    ]);
    expect(page4.text).toContain('Inventory by warehouse');
    expect(page4.text).toContain('Totals are audited every month');
    expect(page4.text).not.toContain('Bergen');
  });

  it('keeps table rows as text when tables are not extracted', async () => {
    const parsed = await parsePdf(await sample(), { ...opts, extractTables: false });
    const page4 = parsed.sections[2]!;
    expect(page4.tables).toBeUndefined();
    expect(page4.text).toContain('Warehouse Item Units\nOslo Bolts 1200');
  });

  it('does not take prose for a table', async () => {
    const pdf = await makePdf((doc) => {
      for (let i = 0; i < 6; i += 1) doc.text(`Line ${i} of ordinary running prose that wraps normally on the page.`);
    });
    const parsed = await parsePdf(pdf, opts);
    expect(parsed.sections).toHaveLength(1);
    expect(parsed.sections[0]!.tables).toBeUndefined();
    expect(parsed.title).toBeUndefined();
    expect(parsed.metadata.page_count).toBe(1);
  });

  it('refuses a PDF with more pages than the limit, quickly', async () => {
    const pages = 5000;
    expect(pages).toBeGreaterThan(FILE_LIMITS.maxPdfPages);
    const pdf = await emptyPagesPdf(pages);
    const started = Date.now();
    await expect(parsePdf(pdf, opts)).rejects.toThrow(UnreadableFileError);
    await expect(parsePdf(pdf, opts)).rejects.toThrow(/5000 pages/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses truncated, random and non-PDF bytes with UnreadableFileError', async () => {
    const good = await sample();
    const cases: Buffer[] = [
      good.subarray(0, Math.floor(good.length / 2)),
      good.subarray(0, 200),
      randomBytes(4096),
      Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096), Buffer.from('\n%%EOF\n')]),
      Buffer.from('just some text, not a PDF'),
      Buffer.alloc(0),
    ];
    for (const bytes of cases) {
      await expect(parsePdf(bytes, opts)).rejects.toBeInstanceOf(UnreadableFileError);
    }
  });

  it('refuses a password-protected PDF', async () => {
    const pdf = await makePdf((doc) => doc.text('secret'), { userPassword: 'hunter2', ownerPassword: 'owner' });
    await expect(parsePdf(pdf, opts)).rejects.toThrow(/encrypted/);
  });
});
