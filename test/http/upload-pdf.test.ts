import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, client, type TestServer } from '../helpers/app.js';
import { textPagesPdf } from '../ingestion/files/fixtures/pdf.js';
import { textRunBomb } from '../ingestion/files/fixtures/raw-pdf.js';
import { createCorpus, expectError, form, type Client } from './support.js';

/**
 * upload_file with PDFs of some size, as the server reads them: the file arrives over a real
 * connection in many chunks (gathered in one growing buffer that then moves to a PDF reader
 * thread), every page comes back with its number; a file that needs more memory than a reader
 * thread has is a 400 with nothing saved.
 */
describe('upload_file: PDFs of some size', () => {
  let server: TestServer;
  let owner: Client;
  let base: string;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'pdfs');
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reads a PDF of some megabytes sent over a connection: every page, with its number', async () => {
    const pages = 150;
    const pdf = await textPagesPdf(pages, (page, i) => `Page ${page} paragraph ${i} tells of harbour cranes and tides.`, {
      compress: false,
      info: { Title: 'Harbour log' },
    });
    // Over a megabyte: the reader thread is also ended after this file (pdf-threads.ts).
    expect(pdf.length).toBeGreaterThan(1024 * 1024);
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(pdf)]), 'log.pdf');
    const res = await fetch(`${base}/v2/corpora/pdfs/upload_file`, { method: 'POST', headers: { 'x-api-key': server.ownerKey }, body: fd });
    const created = (await res.json()) as { metadata: Record<string, unknown> };
    expect(res.status).toBe(201);
    expect(created.metadata).toMatchObject({ title: 'Harbour log', page_count: pages, file_name: 'log.pdf' });
    const body = (await owner.get('/v2/corpora/pdfs/documents/log.pdf')).body as { parts: { text: string; metadata: { page?: number } }[] };
    const pageOf = new Map(body.parts.map((p) => [p.text, p.metadata.page]));
    for (const page of [1, 2, 75, pages]) expect(pageOf.get(`Page ${page} paragraph 0 tells of harbour cranes and tides.`)).toBe(page);
    // Every part of the pages' text has its page; the one without is the title.
    const numbered = body.parts.filter((p) => p.metadata.page !== undefined);
    expect(body.parts.length - numbered.length).toBe(1);
    expect(new Set(numbered.map((p) => p.metadata.page))).toEqual(new Set(Array.from({ length: pages }, (_, i) => i + 1)));
  });

  it('refuses a PDF that needs more memory than a reader thread has (400), saving nothing', async () => {
    const { payload, contentType } = await form({ name: 'bomb.pdf', content: textRunBomb() });
    const res = await server.app.inject({
      method: 'POST',
      url: '/v2/corpora/pdfs/upload_file',
      headers: { 'x-api-key': server.ownerKey, 'content-type': contentType },
      payload,
    });
    const answer = { status: res.statusCode, body: res.json(), headers: res.headers };
    expectError(answer as never, 400, 'BadRequestError');
    expect(answer.body.field_errors.file).toMatch(/needs more than \d+ MB of memory/);
    expectError(await owner.get('/v2/corpora/pdfs/documents/bomb.pdf'), 404, 'NotFoundError');
  });
});
