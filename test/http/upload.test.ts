import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, form, type Client, type FormFile } from './support.js';

/**
 * upload_file over HTTP: the multipart form, the document it makes, and every way it refuses
 * (size while streaming, lying types, hostile names, duplicates, keys), leaving nothing behind.
 */
describe('upload_file', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'files', { filter_attributes: [{ name: 'team', level: 'document', type: 'text' }] });
    await createCorpus(owner, 'other');
  });

  afterAll(async () => {
    await server?.close();
  });

  async function upload(file: FormFile | null, fields: Record<string, string> = {}, key = server.ownerKey, corpus = 'files') {
    const { payload, contentType } = await form(file, fields);
    const res = await server.app.inject({ method: 'POST', url: `/v2/corpora/${corpus}/upload_file`, headers: { 'x-api-key': key, 'content-type': contentType }, payload });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  }
  const count = async () => (await owner.get('/v2/corpora/files/documents?limit=100')).body.documents.length as number;
  /** A document's parts, read back by id (an upload's answer, like Vectara's, does not list them). */
  const partsOf = async (id: string) => (await owner.get(`/v2/corpora/files/documents/${encodeURIComponent(id)}`)).body.parts as any[];

  it('turns a Markdown file into a searchable document with titles, sections and the caller\'s metadata', async () => {
    const md = '# Brewing guide\n\nHow to brew tea well.\n\n## Green tea\n\nUse water at eighty degrees.\n\n## Black tea\n\nUse boiling water.\n';
    const res = await upload({ name: 'guide.md', content: md, type: 'text/markdown' }, { metadata: JSON.stringify({ team: 'kitchen' }) });
    expectOk(res as never, 'uploadFile', 201);
    expect(res.body.id).toBe('guide.md');
    expect(res.body.metadata).toEqual(expect.objectContaining({ team: 'kitchen', file_name: 'guide.md' }));
    const parts = await partsOf('guide.md');
    const texts = parts.map((p) => p.text);
    expect(texts.filter((t) => t === 'Brewing guide')).toHaveLength(1);
    expect(texts).toContain('Use water at eighty degrees.');
    expect(parts.find((p) => p.text === 'Green tea').metadata.is_title).toBe(true);
    const found = await owner.post('/v2/corpora/files/query', { query: 'eighty degrees', search: { lexical_interpolation: 1, metadata_filter: "doc.team = 'kitchen'" } });
    expect(found.body.search_results[0].document_id).toBe('guide.md');
  });

  it('takes the document id from the filename field, and a chunking strategy', async () => {
    const text = 'One sentence here. Another sentence there. And a third one to close.';
    const res = await upload({ name: 'notes.txt', content: text, type: 'text/plain' }, {
      filename: 'my-notes', chunking_strategy: JSON.stringify({ type: 'max_chars_chunking_strategy', max_chars_per_chunk: 1000 }),
    });
    expectOk(res as never, 'uploadFile', 201);
    expect(res.body.id).toBe('my-notes');
    expect((await partsOf('my-notes')).map((p) => p.text)).toEqual([text]);
  });

  it('extracts CSV and HTML tables when asked', async () => {
    const csv = 'name,price\ntea,3\ncoffee,4\n';
    const res = await upload({ name: 'prices.csv', content: csv, type: 'text/csv' }, { table_extraction_config: JSON.stringify({ extract_tables: true }) });
    expectOk(res as never, 'uploadFile', 201);
    expect(res.body.tables).toHaveLength(1);
    expect(JSON.stringify(res.body.tables[0].data)).toContain('coffee');
    const html = '<html><head><title>Menu</title><script>alert(1)</script></head><body><nav>Home | About</nav><h1>Menu</h1><p>Our drinks.</p><table><tr><th>Drink</th><th>Price</th></tr><tr><td>Tea</td><td>3</td></tr></table></body></html>';
    const page = await upload({ name: 'menu.html', content: html, type: 'text/html' }, { table_extraction_config: JSON.stringify({ extract_tables: true }) });
    expectOk(page as never, 'uploadFile', 201);
    const all = JSON.stringify(await partsOf('menu.html'));
    expect(all).toContain('Our drinks.');
    expect(all).not.toContain('alert(1)');
    expect(all).not.toContain('Home | About');
    expect(page.body.tables).toHaveLength(1);
  });

  it('describes extracted tables with the built-in summariser, quoting rows, and indexes the description', async () => {
    const csv = 'country,capital,population\nFrance,Paris,68 million\nJapan,Tokyo,124 million\nKenya,Nairobi,55 million\n';
    const res = await upload({ name: 'capitals.csv', content: csv, type: 'text/csv' }, { table_extraction_config: JSON.stringify({ extract_tables: true }) });
    expectOk(res as never, 'uploadFile', 201);
    const description: string = res.body.tables[0].description;
    expect(description.length).toBeGreaterThan(0);
    // Quoted, never invented: every piece of it is a row as the table renders it.
    const rows = ['country: France; capital: Paris; population: 68 million', 'country: Japan; capital: Tokyo; population: 124 million', 'country: Kenya; capital: Nairobi; population: 55 million'];
    expect(rows.some((r) => description.includes(r)), description).toBe(true);
    expect(description).not.toMatch(/\[\d+\]/);
    expect(JSON.stringify(await partsOf('capitals.csv'))).toContain(description);
    // Without table extraction nothing is described.
    const plain = await upload({ name: 'capitals2.csv', content: csv, type: 'text/csv' });
    expect(plain.body.tables ?? []).toHaveLength(0);
  });

  it('refuses table generation with an unknown LLM or a broken template, keeping nothing', async () => {
    const before = await count();
    const csv = 'a,b\n1,2\n';
    const unknown = await upload({ name: 't.csv', content: csv, type: 'text/csv' }, {
      table_extraction_config: JSON.stringify({ extract_tables: true, generation: { llm_name: 'nope' } }),
    });
    expectFieldError(unknown as never, 'table_extraction_config.generation.llm_name');
    const broken = await upload({ name: 't.csv', content: csv, type: 'text/csv' }, {
      table_extraction_config: JSON.stringify({ extract_tables: true, generation: { prompt_template: '#if (true) open' } }),
    });
    expectFieldError(broken as never, 'table_extraction_config.generation.prompt_template');
    expect(await count()).toBe(before);
  });

  it('refuses a file over 10 MB with 413, and keeps nothing', async () => {
    const before = await count();
    const res = await upload({ name: 'big.txt', content: Buffer.alloc(10 * 1024 * 1024 + 10, 'a'), type: 'text/plain' });
    expectError(res as never, 413);
    expect(await count()).toBe(before);
  });

  it('refuses a type it cannot read, or a file whose name lies about its content, with 415', async () => {
    const before = await count();
    expectError(await upload({ name: 'photo.png', content: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') }) as never, 415);
    expectError(await upload({ name: 'report.pdf', content: 'just some text, not a PDF' }) as never, 415);
    expectError(await upload({ name: 'data.bin', content: 'who knows' }) as never, 415);
    expect(await count()).toBe(before);
  });

  it('strips path separators and control characters from file names', async () => {
    const res = await upload({ name: '../../etc/pass\u0007wd.txt', content: 'Harmless text.', type: 'text/plain' });
    expectOk(res as never, 'uploadFile', 201);
    expect(res.body.id).toBe('passwd.txt');
    expectFieldError(await upload({ name: 'ok.txt', content: 'x' }, { filename: '/\u0001/' }) as never, 'filename');
  });

  it('answers 409 for an existing id, 400 without a file or with bad JSON fields', async () => {
    expect((await upload({ name: 'dup.txt', content: 'First.' })).status).toBe(201);
    expectError(await upload({ name: 'dup.txt', content: 'Second.' }) as never, 409);
    expectFieldError(await upload(null, { metadata: '{}' }) as never, 'file');
    expectFieldError(await upload({ name: 'a.txt', content: 'x' }, { metadata: '{not json' }) as never, 'metadata');
    expectFieldError(await upload({ name: 'a.txt', content: 'x' }, { metadata: '[1,2]' }) as never, 'metadata');
    expectFieldError(await upload({ name: 'a.txt', content: 'x' }, { chunking_strategy: '{"type":"nope"}' }) as never, 'chunking_strategy');
    expectFieldError(await upload({ name: 'a.txt', content: 'x' }, { metadata: '{"__proto__":{"x":1}}' }) as never, 'metadata');
    expectFieldError(await upload({ name: 'empty.txt', content: '' }) as never, 'file');
  });

  it('IndexService keys upload to their own corpora only; QueryService keys cannot', async () => {
    const index = await createKey(owner, 'serving_and_indexing', ['files']);
    expect((await upload({ name: 'by-index.txt', content: 'Indexed by a zwt key.' }, {}, index.secret_key)).status).toBe(201);
    expectError(await upload({ name: 'x.txt', content: 'x' }, {}, index.secret_key, 'other') as never, 403);
    const query = await createKey(owner, 'serving', ['files']);
    expectError(await upload({ name: 'y.txt', content: 'y' }, {}, query.secret_key) as never, 403);
  });

  it('lists the table extractors', async () => {
    const res = await owner.get('/v2/table_extractors');
    expectOk(res, 'listTableExtractors', 200);
    expect(res.body.table_extractors[0]).toEqual(expect.objectContaining({ name: 'quarry-table-extractor-v1', is_default: true }));
  });
});
