import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { makeDocx } from '../ingestion/files/fixtures/docx.js';
import { epub } from '../ingestion/files/fixtures/epub.js';
import { odt } from '../ingestion/files/fixtures/odt.js';
import { emptyPagesPdf, samplePdf } from '../ingestion/files/fixtures/pdf.js';
import { deck, pptx } from '../ingestion/files/fixtures/pptx.js';
import { sampleCsv, sampleHtml, sampleMarkdown, sampleRtf, sampleText } from '../ingestion/files/fixtures/text.js';
import { zipBomb } from '../ingestion/files/zip-fixtures.js';
import { createCorpus, expectError, expectOk, form, type Client, type FormFile } from './support.js';

/**
 * upload_file with one real file of every format the server reads, through the HTTP API: the
 * Document it answers (titles, text, pages, slides, tables, the file's metadata under the
 * caller's), then hostile files of those formats, each refused with nothing left behind.
 */

const TABLES = JSON.stringify({ extract_tables: true });

interface Part { text: string; metadata: Record<string, unknown> }
type Cell = { text_value: string; colspan?: number };
const cells = (row: string[]): Cell[] => row.map((text_value) => ({ text_value }));

describe('upload_file: every format', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'formats');
  });

  afterAll(async () => {
    await server?.close();
  });

  async function upload(file: FormFile, fields: Record<string, string> = {}) {
    const { payload, contentType } = await form(file, fields);
    const res = await server.app.inject({
      method: 'POST',
      url: '/v2/corpora/formats/upload_file',
      headers: { 'x-api-key': server.ownerKey, 'content-type': contentType },
      payload,
    });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  }

  /** Uploads, asserts a spec-valid 201 Document, and returns it with its parts as read back by id. */
  async function accepted(file: FormFile, fields: Record<string, string> = {}) {
    const res = await upload(file, fields);
    expectOk(res as never, 'uploadFile', 201);
    expect(res.body.id).toBe(file.name);
    expect(res.body.parts).toBeUndefined();
    const read = await owner.get(`/v2/corpora/formats/documents/${encodeURIComponent(res.body.id)}`);
    expectOk(read, 'getCorpusDocument', 200);
    const parts = read.body.parts as Part[];
    return {
      body: res.body,
      parts,
      titles: parts.filter((p) => p.metadata.is_title === true).map((p) => p.text),
      text: parts.filter((p) => p.metadata.is_title !== true && p.metadata.table_part === undefined).map((p) => p.text).join(' '),
    };
  }

  const count = async () => {
    const res = await owner.get('/v2/corpora/formats/documents?limit=100');
    expectOk(res, 'listCorpusDocuments', 200);
    return res.body.documents.length as number;
  };

  /** Asserts `status` (with the spec's error body), and that no document was kept. */
  async function refused(file: FormFile, status: number | number[], fields: Record<string, string> = {}) {
    const before = await count();
    const res = await upload(file, fields);
    const allowed = Array.isArray(status) ? status : [status];
    expect(allowed, `${file.name}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
    expectError(res as never, res.status, res.status === 400 ? 'BadRequestError' : 'Error');
    expectError(await owner.get(`/v2/corpora/formats/documents/${encodeURIComponent(file.name)}`), 404, 'NotFoundError');
    expect(await count(), `${file.name} left a document behind`).toBe(before);
    return res;
  }

  it('reads plain text', async () => {
    const doc = await accepted({ name: 'log.txt', content: sampleText(), type: 'text/plain' });
    expect(doc.text).toBe('Harbour log for the spring season. The ferry left at dawn and reached the island before noon.');
    expect(doc.titles).toEqual([]);
    expect(doc.body.metadata).toEqual(expect.objectContaining({ file_name: 'log.txt' }));
  });

  it('reads Markdown: front matter metadata, headings as titles', async () => {
    const doc = await accepted({ name: 'guide.md', content: sampleMarkdown(), type: 'text/markdown' }, { metadata: JSON.stringify({ team: 'docs' }) });
    expect(doc.titles).toEqual(expect.arrayContaining(['Harbour Guide', 'Moorings', 'Fees']));
    expect(doc.text).toBe('Welcome to the harbour. Visitors moor on the east pier. Fees are paid at the office.');
    expect(doc.body.metadata).toEqual(expect.objectContaining({ title: 'Harbour Guide', author: 'Ada Lovelace', team: 'docs', file_name: 'guide.md' }));
  });

  it('reads HTML: title, headings, text and its table', async () => {
    const doc = await accepted({ name: 'tides.html', content: sampleHtml(), type: 'text/html' }, { table_extraction_config: TABLES });
    expect(doc.titles).toEqual(['Tide Tables', 'Tides']);
    expect(doc.text).toBe('Tides for the coming week. Times are local.');
    expect(doc.body.metadata).toEqual(expect.objectContaining({ title: 'Tide Tables', author: 'Grace Hopper' }));
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['Day', 'High', 'Low'])],
      rows: [cells(['Monday', '06:10', '12:25']), cells(['Tuesday', '06:55', '13:10'])],
    });
  });

  it('reads CSV as one table, first row as headers', async () => {
    const doc = await accepted({ name: 'boats.csv', content: sampleCsv(), type: 'text/csv' }, { table_extraction_config: TABLES });
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['boat', 'length', 'owner'])],
      rows: [cells(['Osprey', '12', 'Ada']), cells(['Petrel', '9', 'Alan']), cells(['Tern', '7', 'Grace'])],
    });
    expect(doc.body.metadata).toEqual(expect.objectContaining({ row_count: 3, column_count: 3 }));
  });

  it('reads RTF: info metadata, headings and paragraphs', async () => {
    const doc = await accepted({ name: 'rules.rtf', content: sampleRtf(), type: 'application/rtf' });
    expect(doc.titles).toEqual(['Pier Rules', 'Rules']);
    expect(doc.text).toBe('No swimming near the pier. Lights out at midnight.');
    expect(doc.body.metadata).toEqual(expect.objectContaining({ title: 'Pier Rules', author: 'Jane Doe' }));
  });

  it('reads PDF: page numbers on every part, the aligned table, info metadata under the caller\'s', async () => {
    const doc = await accepted(
      { name: 'report.pdf', content: await samplePdf(), type: 'application/pdf' },
      { table_extraction_config: TABLES, metadata: JSON.stringify({ author: 'The Caller', region: 'north' }) },
    );
    expect(doc.titles).toEqual(['Northern Report']);
    const pages = new Map<number, string[]>();
    for (const p of doc.parts.filter((q) => q.metadata.is_title !== true)) {
      expect(p.metadata.page, JSON.stringify(p)).toEqual(expect.any(Number));
      pages.set(p.metadata.page as number, [...(pages.get(p.metadata.page as number) ?? []), p.text]);
    }
    expect([...pages.keys()]).toEqual([1, 2, 4]);
    expect(pages.get(1)!.join(' ')).toBe(
      'Quarterly report for the northern region. Revenue grew across every product line this quarter. A second paragraph, well below the first.',
    );
    expect(pages.get(2)).toEqual(['Page two talks about logistics and shipping routes.']);
    expect(pages.get(4)).toEqual(expect.arrayContaining(['Inventory by warehouse', 'Totals are audited every month by the regional controller.']));
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['Warehouse', 'Item', 'Units'])],
      rows: [cells(['Oslo', 'Bolts', '1200']), cells(['Bergen', 'Nuts', '640']), cells(['Tromso', 'Washers', '75'])],
    });
    expect(doc.body.metadata).toEqual({
      title: 'Northern Report',
      author: 'The Caller', // the caller wins over the file's "Ada Lovelace"
      region: 'north',
      created_at: '2024-03-05T10:20:30.000Z',
      modified_at: '2024-04-01T08:00:00.000Z',
      page_count: 4,
      file_name: 'report.pdf',
    });
  });

  it('reads DOCX: core properties, nested headings, text and the table with its span', async () => {
    const doc = await accepted(
      { name: 'plan.docx', content: await makeDocx() },
      { table_extraction_config: TABLES, metadata: JSON.stringify({ title: 'Caller Title' }) },
    );
    expect(doc.titles).toEqual(['Annual Plan', 'Overview', 'Budget', 'Risks']);
    expect(doc.text).toBe('Opening note before any heading. Body text with bold words. The budget table follows. Few risks.');
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['Item', 'Q1', 'Q2'])],
      rows: [[{ text_value: 'Travel' }, { text_value: 'Both quarters', colspan: 2 }], cells(['Food', '10', '20'])],
    });
    expect(doc.body.metadata).toEqual(
      expect.objectContaining({ title: 'Caller Title', author: 'Jane Author', description: 'Plans for the year', file_name: 'plan.docx' }),
    );
  });

  it('reads PPTX: slide numbers, slide titles, the table', async () => {
    const doc = await accepted({ name: 'roadmap.pptx', content: pptx(deck()) }, { table_extraction_config: TABLES });
    expect(doc.titles).toEqual(['Roadmap 2025', 'Roadmap & Goals', 'Milestones', 'Budget']);
    const slides = doc.parts.filter((p) => p.text !== 'Roadmap 2025').map((p) => [p.text, p.metadata.slide]);
    expect(slides).toEqual(
      expect.arrayContaining([
        ['Roadmap & Goals', 1],
        ['Where we go next', 1],
        ['Milestones', 2],
        ['Ship the beta', 2],
        ['Grow to ten customers', 2],
        ['Budget', 4],
        ['Numbers in kEUR', 4],
      ]),
    );
    for (const [, slide] of slides) expect([1, 2, 4]).toContain(slide);
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['Team', 'Cost'])],
      rows: [cells(['Search', '120']), [{ text_value: 'Shared services', colspan: 2 }]],
    });
    expect(doc.body.metadata).toEqual(
      expect.objectContaining({ title: 'Roadmap 2025', author: 'Grace Hopper', slide_count: 4, created_at: '2025-01-10T09:00:00.000Z' }),
    );
  });

  it('reads ODT: outline headings, lists, the table with header rows', async () => {
    const doc = await accepted({ name: 'notes.odt', content: odt() }, { table_extraction_config: TABLES });
    expect(doc.titles).toEqual(['Field Notes', 'Introduction', 'Background', 'Details', 'Results']);
    expect(doc.text).toContain('Intro text with spaces, a tab and a styled word.');
    expect(doc.text).toContain('Nested item');
    expect(doc.text).not.toContain('A footnote.'.repeat(2));
    expect(doc.body.tables).toHaveLength(1);
    expect(doc.body.tables[0].data).toEqual({
      headers: [cells(['Site', 'Samples', 'Mean'])],
      rows: [cells(['North', '12', '4.5']), [{ text_value: 'Combined', colspan: 2 }, { text_value: '4.1' }]],
    });
    expect(doc.body.metadata).toEqual(expect.objectContaining({ title: 'Field Notes', author: 'Mary Shelley', page_count: 3 }));
  });

  it('reads EPUB: the spine in order, chapter titles, OPF metadata', async () => {
    const doc = await accepted({ name: 'keeper.epub', content: epub() }, { metadata: JSON.stringify({ shelf: 'B2' }) });
    expect(doc.titles).toEqual(['The Lighthouse Keeper', 'Chapter One', 'The Storm', 'Chapter Two']);
    expect(doc.text).toContain('The keeper climbed the stairs\u2026 every night.');
    expect(doc.text).toContain('Morning came quietly.');
    expect(doc.text).not.toContain('Contents');
    expect(doc.body.metadata).toEqual(
      expect.objectContaining({ title: 'The Lighthouse Keeper', author: 'Jo March, Amy March', shelf: 'B2', file_name: 'keeper.epub' }),
    );
  });

  describe('hostile files: refused, nothing left behind', () => {
    it('a truncated file of each binary type (400; 415 where the cut leaves a ZIP of unknown kind)', async () => {
      const good: [string, Buffer][] = [
        ['cut.pdf', await samplePdf()],
        ['cut.docx', await makeDocx()],
        ['cut.pptx', pptx(deck())],
        ['cut.odt', odt()],
        ['cut.epub', epub()],
      ];
      for (const [name, bytes] of good) {
        const cuts = [bytes.subarray(0, Math.floor(bytes.length / 2)), bytes.subarray(0, bytes.length - 10), bytes.subarray(0, 100)];
        for (const cut of cuts) {
          const res = await refused({ name, content: cut }, 400, { table_extraction_config: TABLES });
          expect(res.body.field_errors.file).toMatch(/truncated|damaged|cannot be read/);
        }
      }
    });

    // A DOCX cut before its [Content_Types].xml is sniffed as a plain ZIP; it is still read as the
    // DOCX its name says, so the answer is "damaged", not "unsupported type".
    it('a DOCX cut in half is a 400 (damaged), not a 415 (unsupported type)', async () => {
      const docx = await makeDocx();
      const res = await refused({ name: 'half.docx', content: docx.subarray(0, Math.floor(docx.length / 2)) }, 400);
      expect(res.status).toBe(400);
    });

    it('a ZIP bomb disguised as .docx (400, quickly)', async () => {
      // A real DOCX whose word/document.xml is 200 MB of zeros (about 200 KB compressed).
      const parts = unzipSync(new Uint8Array(await makeDocx()));
      const files: Zippable = {};
      for (const [name, data] of Object.entries(parts)) files[name] = data;
      files['word/document.xml'] = [new Uint8Array(200 * 1024 * 1024), { level: 9 }];
      const bomb = Buffer.from(zipSync(files));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const started = Date.now();
      const res = await refused({ name: 'bomb.docx', content: bomb }, 400);
      expect(res.body.field_errors.file).toMatch(/inflate|uncompressed|large|more than/i);
      expect(Date.now() - started).toBeLessThan(5_000);
      // A bare bomb with a Word-like entry: not recognisable as DOCX (415) or refused unread (400).
      await refused({ name: 'bomb2.docx', content: zipBomb('word/document.xml', { '[Content_Types].xml': '<Types/>' }) }, [400, 415]);
    });

    it('a PDF of 5,000 empty pages (400)', async () => {
      const res = await refused({ name: 'pages.pdf', content: await emptyPagesPdf(5000) }, 400);
      expect(res.body.field_errors.file).toMatch(/5000 pages/);
    });

    it('a .docx that is really a PDF, and a .pdf that is really text (415)', async () => {
      await refused({ name: 'letter.docx', content: await samplePdf() }, 415);
      await refused({ name: 'letter.pdf', content: Buffer.from('just some text, not a PDF') }, 415);
      await refused({ name: 'letter2.pdf', content: 'just some text, not a PDF', type: 'application/pdf' }, 415);
    });
  });
});
