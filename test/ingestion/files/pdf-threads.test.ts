import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../../src/ingestion/files/pdf.js';
import { LIMITS } from '../../../src/ingestion/files/pdf-threads.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { makePdf, samplePdf, textPagesPdf } from './fixtures/pdf.js';
import { rawPdf, textRunBomb } from './fixtures/raw-pdf.js';

/**
 * PDFs are read in reader threads (src/ingestion/files/pdf-threads.ts): the caller's buffer moves
 * there only when handed over, files sent together are each read on their own, and a file that
 * needs more memory than a thread has is refused without harming the next one.
 */

const opts = { filename: 'report.pdf', extractTables: true };

/** `bytes` copied into an ArrayBuffer of its own, as the upload route hands files over. */
function ownBuffer(bytes: Buffer): Buffer {
  const copy = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

describe('PDF reader threads', () => {
  it('moves the caller\'s buffer to the thread only when it is handed over', async () => {
    const pdf = await samplePdf();
    const expected = await parsePdf(pdf, opts);
    expect(pdf.length).toBeGreaterThan(0);

    const handed = ownBuffer(pdf);
    expect(await parsePdf(handed, { ...opts, transferBytes: true })).toEqual(expected);
    expect(handed.length).toBe(0);

    // A slice of a larger buffer cannot be moved without taking the rest: it is copied.
    const larger = Buffer.concat([pdf, Buffer.alloc(16)]);
    const slice = larger.subarray(0, pdf.length);
    expect(await parsePdf(slice, { ...opts, transferBytes: true })).toEqual(expected);
    expect(slice.equals(pdf)).toBe(true);
  });

  it('reads files sent together each on its own, in any number, a large one among them', async () => {
    const pdfs = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => makePdf((doc) => doc.text(`Report number ${n} about the harbour.`), { info: { Title: `Report ${n}` } })),
    );
    // Over a megabyte: the thread that reads it is ended afterwards, and the files waiting behind
    // it go to a new one.
    const large = await textPagesPdf(100, (page, i) => `Page ${page} paragraph ${i} tells of harbour cranes and tides.`, { compress: false });
    expect(large.length).toBeGreaterThan(1024 * 1024);
    expect((await parsePdf(large, opts)).sections).toHaveLength(100);
    expect((await parsePdf(pdfs[0]!, opts)).title).toBe('Report 1');
    const [big, ...parsed] = await Promise.all([parsePdf(large, opts), ...pdfs.map((pdf) => parsePdf(pdf, opts))]);
    expect(big!.sections).toHaveLength(100);
    expect(big!.sections[99]!.text).toMatch(/^Page 100 paragraph 0 tells of harbour cranes and tides\./);
    expect(parsed.map((p) => [p.title, p.sections.map((s) => s.text)])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`Report ${n}`, [`Report number ${n} about the harbour.`]]),
    );
  });

  it('refuses a file that needs more memory than a thread has, and reads the next file', async () => {
    const bomb = textRunBomb();
    expect(bomb.length).toBeLessThan(10 * 1024 * 1024);
    const refused = parsePdf(bomb, opts);
    await expect(refused).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(refused).rejects.toThrow(`needs more than ${LIMITS.maxOldGenerationSizeMb} MB of memory`);
    expect((await parsePdf(await samplePdf(), opts)).title).toBe('Northern Report');
  });

  it('refuses what pdfjs cannot read, and reads the next file in the same thread', async () => {
    const broken = rawPdf('BT /F1 12 Tf 72 700 Td (Hello) Tj ET').toString('latin1').replace('/Root 1 0 R', '/Root 9 0 R');
    await expect(parsePdf(Buffer.from(broken, 'latin1'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    const ok = await parsePdf(rawPdf('BT /F1 12 Tf 72 700 Td (Hello from a hand-written PDF) Tj ET'), opts);
    expect(ok.sections).toEqual([{ metadata: { page: 1 }, text: 'Hello from a hand-written PDF' }]);
  });
});
