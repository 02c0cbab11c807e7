import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client } from './support.js';

const docs = (corpus: string) => `/v2/corpora/${corpus}/documents`;
const doc = (corpus: string, id: string) => `${docs(corpus)}/${encodeURIComponent(id)}`;
const core = (id: string, texts: string[], extra: Record<string, unknown> = {}) => ({
  type: 'core',
  id,
  document_parts: texts.map((text) => ({ text })),
  ...extra,
});

/** Filter attributes and a custom dimension shared by the corpora of this file. */
const SETTINGS = {
  filter_attributes: [
    { name: 'year', level: 'document', type: 'integer' },
    { name: 'category', level: 'document', type: 'text' },
    { name: 'rank', level: 'part', type: 'integer' },
  ],
  custom_dimensions: [{ name: 'boost', indexing_default: 0.5 }],
};

describe('documents over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    for (const key of ['docs', 'paging', 'bad', 'cleanup', 'resettable', 'switch', 'keyed']) await createCorpus(owner, key, SETTINGS);
  });

  afterAll(async () => {
    await server?.close();
  });

  async function add(c: Client, corpus: string, body: unknown) {
    const res = await c.post(docs(corpus), body);
    expectOk(res, 'createCorpusDocument', 201);
    return res.body;
  }

  /** Reads the database file directly, read-only, beside the running server. */
  function inDb<T>(read: (db: Database.Database) => T): T {
    const db = new Database(join(server.dataDir, 'quarry.db'), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  const corpusNumber = async (key: string) => Number(/^crp_(\d+)$/.exec((await owner.get(`/v2/corpora/${key}`)).body.id)![1]);

  describe('create and read', () => {
    it('indexes a core document: one part per non-blank document_part, with metadata, context and custom dimensions', async () => {
      const created = await add(owner, 'docs', {
        type: 'core',
        id: 'invoice-1',
        metadata: { year: 2024, category: 'billing', free: { nested: [1, 'two'] } },
        tables: [{ id: 'tbl-1', title: 'Totals', data: { headers: [[{ text_value: 'item' }, { text_value: 'cost' }]], rows: [[{ text_value: 'desk' }, { int_value: 120 }]] } }],
        document_parts: [
          { text: 'The invoice covers office furniture.', metadata: { rank: 1 }, context: 'Invoice summary', custom_dimensions: { boost: 2 } },
          { text: 'The desk costs 120 euros.', metadata: { rank: 2 }, table_id: 'tbl-1' },
        ],
      });
      expect(created.id).toBe('invoice-1');
      expect(created.metadata).toEqual({ year: 2024, category: 'billing', free: { nested: [1, 'two'] } });
      expect(created.tables.map((t: { id: string }) => t.id)).toEqual(['tbl-1']);
      expect(created.storage_usage.bytes_used).toBeGreaterThan(0);
      // As Vectara: a document's parts are shown when it is read by id, not when it is created.
      expect(created.parts).toBeUndefined();

      const read = await owner.get(doc('docs', 'invoice-1'));
      expectOk(read, 'getCorpusDocument', 200);
      // The table is referenced by a part, so the client indexed it itself: no generated parts.
      expect(read.body.parts).toEqual([
        { text: 'The invoice covers office furniture.', metadata: { rank: 1 }, context: 'Invoice summary', custom_dimensions: { boost: 2 } },
        { text: 'The desk costs 120 euros.', metadata: { rank: 2 }, custom_dimensions: { boost: 0.5 } },
      ]);
      expect(read.body.metadata).toEqual(created.metadata);
    });

    it('indexes a structured document: title, nested sections and tables, one part per sentence by default', async () => {
      await add(owner, 'docs', {
        type: 'structured',
        id: 'report-2024',
        title: 'Annual report',
        metadata: { year: 2024 },
        custom_dimensions: { boost: 3 },
        sections: [
          {
            id: 1,
            title: 'Energy',
            text: 'We cut emissions by a fifth. Solar panels now cover every roof. Wind supplies the rest.',
            metadata: { rank: 5 },
            sections: [{ title: 'Details', text: 'The roofs hold 400 panels.', metadata: { topic: 'solar' } }],
          },
          { title: 'Numbers', tables: [{ id: 'emissions', title: 'Emissions', data: { headers: [[{ text_value: 'year' }, { text_value: 'tonnes' }]], rows: [[{ int_value: 2023 }, { float_value: 12.5 }]] } }] },
        ],
      });
      const read = await owner.get(doc('docs', 'report-2024'));
      expectOk(read, 'getCorpusDocument', 200);
      const parts = read.body.parts as Array<{ text: string; metadata: Record<string, unknown>; custom_dimensions: Record<string, number> }>;
      const texts = parts.map((p) => p.text);
      expect(texts.slice(0, 5)).toEqual(['Annual report', 'Energy', 'We cut emissions by a fifth.', 'Solar panels now cover every roof.', 'Wind supplies the rest.']);
      expect(texts).toContain('Details');
      expect(texts).toContain('The roofs hold 400 panels.');
      expect(parts[0]!.metadata.is_title).toBe(true);
      // Section metadata reaches the parts, inner sections adding to outer ones.
      expect(parts.find((p) => p.text === 'The roofs hold 400 panels.')!.metadata).toMatchObject({ rank: 5, topic: 'solar' });
      expect(parts.every((p) => p.custom_dimensions.boost === 3)).toBe(true);
      const rows = parts.filter((p) => p.metadata.table_part === 'row');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((p) => p.text.includes('2023') && p.text.includes('12.5'))).toBe(true);
      expect(read.body.tables.map((t: { id: string }) => t.id)).toEqual(['emissions']);
    });

    it('max_chars_chunking_strategy packs sentences into chunks of at most max_chars_per_chunk', async () => {
      const sentence = 'This sentence is here to fill the section with text. ';
      await add(owner, 'docs', {
        type: 'structured',
        id: 'chunked',
        sections: [{ text: sentence.repeat(12) }],
        chunking_strategy: { type: 'max_chars_chunking_strategy', max_chars_per_chunk: 120 },
      });
      const parts = (await owner.get(doc('docs', 'chunked'))).body.parts as Array<{ text: string }>;
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.length).toBeLessThan(12);
      for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(120);
      expect(parts.map((p) => p.text).join(' ')).toBe(sentence.repeat(12).trim());
      expectFieldError(
        await owner.post(docs('docs'), { type: 'structured', id: 'tiny-chunks', sections: [{ text: 'x' }], chunking_strategy: { type: 'max_chars_chunking_strategy', max_chars_per_chunk: 10 } }),
        'chunking_strategy.max_chars_per_chunk',
      );
    });

    it('a document id already in the corpus is a 409; the first document is untouched', async () => {
      await add(owner, 'docs', core('twice', ['first version']));
      expectError(await owner.post(docs('docs'), core('twice', ['second version'])), 409);
      expect((await owner.get(doc('docs', 'twice'))).body.parts.map((p: { text: string }) => p.text)).toEqual(['first version']);
    });

    it('unknown documents and corpora are 404s', async () => {
      expectError(await owner.get(doc('docs', 'nope')), 404, 'NotFoundError');
      expectError(await owner.delete(doc('docs', 'nope')), 404, 'NotFoundError');
      expectError(await owner.post(docs('no-such-corpus'), core('x', ['text'])), 404, 'NotFoundError');
    });
  });

  describe('list, filter, update, delete', () => {
    beforeAll(async () => {
      const years = [2019, 2020, 2021, 2022, 2023];
      for (const [i, year] of years.entries()) {
        await add(owner, 'paging', core(`p${i}`, [`Document number ${i}.`], { metadata: { year, category: i % 2 ? 'news' : 'blog', colour: 'red' } }));
      }
    });

    it('walks every page with limit=2; listed documents carry no parts; the last page has no page_key', async () => {
      const { items, pages } = await walkPages(owner, docs('paging'), 'documents', 'listCorpusDocuments', 2);
      expect(pages).toBe(3);
      expect(items.map((d) => d.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect(items.every((d) => d.parts === undefined)).toBe(true);
    });

    it('metadata_filter selects by declared document attributes', async () => {
      const ids = async (filter: string) => {
        const res = await owner.get(`${docs('paging')}?metadata_filter=${encodeURIComponent(filter)}`);
        expectOk(res, 'listCorpusDocuments', 200);
        return res.body.documents.map((d: { id: string }) => d.id);
      };
      expect(await ids('doc.year >= 2021')).toEqual(['p2', 'p3', 'p4']);
      expect(await ids("doc.category = 'news' AND doc.year < 2022")).toEqual(['p1']);
      expect(await ids("doc.category IN ('blog')")).toEqual(['p0', 'p2', 'p4']);
    });

    it('an undeclared attribute in metadata_filter is a 400 naming it, even when documents have that field', async () => {
      const res = await owner.get(`${docs('paging')}?metadata_filter=${encodeURIComponent("doc.colour = 'red'")}`);
      expectFieldError(res, 'metadata_filter');
      expect(JSON.stringify(res.body.field_errors)).toContain('colour');
    });

    it('a part.* reference in metadata_filter is a 400', async () => {
      expectFieldError(await owner.get(`${docs('paging')}?metadata_filter=${encodeURIComponent('part.rank > 1')}`), 'metadata_filter');
      expectFieldError(await owner.get(`${docs('paging')}?metadata_filter=${encodeURIComponent('doc.year >')}`), 'metadata_filter');
    });

    it('PATCH merges metadata, PUT .../metadata replaces it, both checked against filter attributes', async () => {
      await add(owner, 'docs', core('meta', ['Metadata target.'], { metadata: { year: 2020, keep: 'me' } }));
      const patched = await owner.patch(doc('docs', 'meta'), { metadata: { year: 2021, added: true } });
      expectOk(patched, 'updateCorpusDocument', 200);
      expect(patched.body.metadata).toEqual({ year: 2021, keep: 'me', added: true });

      const put = await owner.put(`${doc('docs', 'meta')}/metadata`, { metadata: { category: 'only' } });
      expectOk(put, 'replaceCorpusDocumentMetadata', 200);
      expect(put.body.metadata).toEqual({ category: 'only' });
      expect((await owner.get(doc('docs', 'meta'))).body.metadata).toEqual({ category: 'only' });

      expectFieldError(await owner.patch(doc('docs', 'meta'), { metadata: { year: 'last year' } }), 'metadata.year');
      expectFieldError(await owner.put(`${doc('docs', 'meta')}/metadata`, { metadata: { category: 7 } }), 'metadata.category');
      expectError(await owner.patch(doc('docs', 'missing'), { metadata: {} }), 404, 'NotFoundError');
    });

    it('DELETE answers 204, then the document is gone (404)', async () => {
      await add(owner, 'docs', core('short-lived', ['Here today.']));
      const res = await owner.delete(doc('docs', 'short-lived'));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectError(await owner.get(doc('docs', 'short-lived')), 404, 'NotFoundError');
      expectError(await owner.delete(doc('docs', 'short-lived')), 404, 'NotFoundError');
    });
  });

  describe('bad documents: a 4xx with field_errors, never a 500', () => {
    const post = (body: unknown) => owner.post(docs('bad'), body);

    it('no text to index', async () => {
      expectFieldError(await post({ type: 'core', id: 'none' }), 'document_parts');
      expectFieldError(await post({ type: 'core', id: 'empty', document_parts: [] }), 'document_parts');
      expectFieldError(await post(core('blank', ['', '   ', '\n\t'])), 'document_parts');
      expectFieldError(await post({ type: 'structured', id: 'no-sections', sections: [] }), 'sections');
      expectFieldError(await post({ type: 'structured', id: 'blank-sections', title: ' ', sections: [{ text: '  ' }] }), 'sections');
    });

    it('a declared filter attribute with the wrong type, at document and at part level', async () => {
      expectFieldError(await post(core('doc-type', ['text'], { metadata: { year: '2024' } })), 'metadata.year');
      expectFieldError(await post(core('doc-type2', ['text'], { metadata: { year: 2024.5 } })), 'metadata.year');
      expectFieldError(
        await post({ type: 'core', id: 'part-type', document_parts: [{ text: 'ok' }, { text: 'text', metadata: { rank: 'high' } }] }),
        'document_parts.1.metadata.rank',
      );
      expectFieldError(await post({ type: 'structured', id: 'section-type', sections: [{ text: 'Some text.', metadata: { rank: [1] } }] }), 'sections.0.metadata.rank');
    });

    it('custom dimensions: undeclared names and non-numbers', async () => {
      expectFieldError(
        await post({ type: 'core', id: 'dim-undeclared', document_parts: [{ text: 'text', custom_dimensions: { popularity: 1 } }] }),
        'document_parts.0.custom_dimensions.popularity',
      );
      expectFieldError(
        await post({ type: 'core', id: 'dim-string', document_parts: [{ text: 'text', custom_dimensions: { boost: 'high' } }] }),
        'document_parts.0.custom_dimensions.boost',
      );
      expectFieldError(await post({ type: 'structured', id: 'dim-doc', custom_dimensions: { popularity: 2 }, sections: [{ text: 'Some text.' }] }), 'custom_dimensions.popularity');
    });

    it('unknown type and missing id', async () => {
      expectFieldError(await post({ type: 'fancy', id: 'typed', document_parts: [{ text: 'text' }] }), 'type');
      expectFieldError(await post({ type: 'core', document_parts: [{ text: 'text' }] }), 'id');
      expectFieldError(await post({ id: 'untyped', document_parts: [{ text: 'text' }] }), 'type');
    });

    it('a body over the 10 MiB default limit is a 413', async () => {
      expectError(await post(core('huge', ['x'.repeat(10 * 1024 * 1024 + 1024)])), 413);
    });

    it('invalid UTF-8 bytes are a 400, not text silently changed', async () => {
      const payload = Buffer.concat([Buffer.from('{"type":"core","id":"latin1","document_parts":[{"text":"caf'), Buffer.from([0xe9, 0xc3, 0x28]), Buffer.from('"}]}')]);
      const res = await server.app.inject({ method: 'POST', url: docs('bad'), headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' }, payload });
      const body = JSON.parse(res.body);
      expectError({ status: res.statusCode, body, headers: res.headers, text: res.body }, 400, 'BadRequestError');
    });

    it('lone surrogates escaped in JSON are a 400 naming the field', async () => {
      const raw = async (json: string) => {
        const res = await server.app.inject({ method: 'POST', url: docs('bad'), headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' }, payload: json });
        return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body };
      };
      expectFieldError(await raw('{"type":"core","id":"s1","document_parts":[{"text":"a \\ud800 b"}]}'), 'document_parts.0.text');
      expectFieldError(await raw('{"type":"core","id":"s2","metadata":{"note":"\\udc00"},"document_parts":[{"text":"ok"}]}'), 'metadata.note');
      expectFieldError(await raw('{"type":"core","id":"\\ud83d","document_parts":[{"text":"ok"}]}'), 'id');
      // A proper pair is fine.
      expectOk(await raw('{"type":"core","id":"pair","document_parts":[{"text":"smile \\ud83d\\ude00"}]}'), 'createCorpusDocument', 201);
    });

    it('nothing bad was stored', async () => {
      const res = await owner.get(docs('bad'));
      expect(res.body.documents.map((d: { id: string }) => d.id)).toEqual(['pair']);
    });
  });

  describe('who may write', () => {
    it('a disabled corpus refuses document writes (403) and still serves reads', async () => {
      await add(owner, 'switch', core('before', ['Written while enabled.']));
      expectOk(await owner.patch('/v2/corpora/switch', { enabled: false }), 'updateCorpus', 200);
      const refused = await owner.post(docs('switch'), core('during', ['Written while disabled.']));
      expectError(refused, 403);
      expect(refused.body.messages.join(' ')).toMatch(/disabled/);
      expectError(await owner.patch(doc('switch', 'before'), { metadata: { a: 1 } }), 403);
      expectError(await owner.put(`${doc('switch', 'before')}/metadata`, { metadata: {} }), 403);
      expectError(await owner.delete(doc('switch', 'before')), 403);
      expectOk(await owner.get(doc('switch', 'before')), 'getCorpusDocument', 200);
      expectOk(await owner.patch('/v2/corpora/switch', { enabled: true }), 'updateCorpus', 200);
      await add(owner, 'switch', core('after', ['Written once enabled again.']));
    });

    it('an IndexService key adds, updates and deletes documents in its own corpus only', async () => {
      const indexer = client(server.app, (await createKey(owner, 'serving_and_indexing', ['keyed'])).secret_key);
      await add(indexer, 'keyed', core('by-index-key', ['Indexed with an IndexService key.']));
      expectOk(await indexer.patch(doc('keyed', 'by-index-key'), { metadata: { year: 2001 } }), 'updateCorpusDocument', 200);
      expectOk(await indexer.put(`${doc('keyed', 'by-index-key')}/metadata`, { metadata: { year: 2002 } }), 'replaceCorpusDocumentMetadata', 200);
      expectOk(await indexer.get(docs('keyed')), 'listCorpusDocuments', 200);
      expect((await indexer.delete(doc('keyed', 'by-index-key'))).status).toBe(204);
      expectError(await indexer.post(docs('docs'), core('elsewhere', ['Not my corpus.'])), 403);
    });

    it('a QueryService key lists and reads documents but cannot write them (403)', async () => {
      await add(owner, 'keyed', core('readable', ['Readable with a QueryService key.']));
      const reader = client(server.app, (await createKey(owner, 'serving', ['keyed'])).secret_key);
      expectOk(await reader.get(docs('keyed')), 'listCorpusDocuments', 200);
      expectOk(await reader.get(doc('keyed', 'readable')), 'getCorpusDocument', 200);
      const denied = await reader.post(docs('keyed'), core('by-query-key', ['Should not be indexed.']));
      expectError(denied, 403);
      expect(denied.body.messages.join(' ')).toMatch(/IndexService|Personal/);
      expectError(await reader.patch(doc('keyed', 'readable'), { metadata: {} }), 403);
      expectError(await reader.delete(doc('keyed', 'readable')), 403);
      expectError(await reader.get(docs('docs')), 403);
      expectOk(await reader.get(doc('keyed', 'readable')), 'getCorpusDocument', 200);
    });
  });

  describe('nothing is left behind', () => {
    const zeroes = { used_docs: 0, used_parts: 0, used_characters: 0, used_metadata_characters: 0 };

    function stored(corpusId: number) {
      return inDb((db) => ({
        documents: db.prepare('SELECT count(*) FROM documents WHERE corpus_id = ?').pluck().get(corpusId) as number,
        parts: db.prepare('SELECT count(*) FROM parts WHERE corpus_id = ?').pluck().get(corpusId) as number,
        vectors: db.prepare('SELECT count(*) FROM parts WHERE corpus_id = ? AND vector IS NOT NULL').pluck().get(corpusId) as number,
        allParts: db.prepare('SELECT count(*) FROM parts').pluck().get() as number,
        allFts: db.prepare('SELECT count(*) FROM parts_fts').pluck().get() as number,
      }));
    }

    const postings = (word: string) => inDb((db) => db.prepare('SELECT count(*) FROM parts_fts WHERE parts_fts MATCH ?').pluck().get(word));

    async function expectEmpty(corpus: string) {
      const list = await owner.get(docs(corpus));
      expectOk(list, 'listCorpusDocuments', 200);
      expect(list.body.documents).toEqual([]);
      const size = await owner.post(`/v2/corpora/${corpus}/compute_size`);
      expectOk(size, 'computeCorpusSize', 200);
      expect(size.body).toEqual(zeroes);
      const got = await owner.get(`/v2/corpora/${corpus}`);
      expectOk(got, 'getCorpus', 200);
      expect(got.body.limits).toMatchObject({ used_docs: 0, used_parts: 0, used_characters: 0 });
      const db = stored(await corpusNumber(corpus));
      expect(db).toMatchObject({ documents: 0, parts: 0, vectors: 0 });
      expect(db.allFts).toBe(db.allParts);
    }

    it('deleting a document removes its parts, vectors and lexical postings', async () => {
      const id = await corpusNumber('cleanup');
      await add(owner, 'cleanup', core('keep', ['An ordinary sentence stays.']));
      await add(owner, 'cleanup', core('drop', ['Zanzibarquux appears only here.', 'And a second zanzibarquux part.']));
      let db = stored(id);
      expect(db).toMatchObject({ documents: 2, parts: 3, vectors: 3 });
      expect(db.allFts).toBe(db.allParts);
      expect(postings('zanzibarquux')).toBe(2);

      expect((await owner.delete(doc('cleanup', 'drop'))).status).toBe(204);
      db = stored(id);
      expect(db).toMatchObject({ documents: 1, parts: 1, vectors: 1 });
      expect(db.allFts).toBe(db.allParts);
      expect(postings('zanzibarquux')).toBe(0);

      expect((await owner.delete(doc('cleanup', 'keep'))).status).toBe(204);
      await expectEmpty('cleanup');
    });

    it('POST .../reset empties the corpus and keeps its settings', async () => {
      const id = await corpusNumber('resettable');
      for (let i = 0; i < 3; i++) await add(owner, 'resettable', core(`r${i}`, [`Reset sentence ${i}.`, `Another resettable part ${i}.`], { metadata: { year: 2000 + i } }));
      await add(owner, 'resettable', { type: 'structured', id: 'rs', title: 'Structured', sections: [{ text: 'One. Two. Three.' }] });
      expect(stored(id)).toMatchObject({ documents: 4, parts: 10, vectors: 10 });

      const res = await owner.post('/v2/corpora/resettable/reset');
      expect(res.status).toBe(204);
      await expectEmpty('resettable');
      const corpus = (await owner.get('/v2/corpora/resettable')).body;
      expect(corpus.filter_attributes).toHaveLength(3);
      expect(corpus.custom_dimensions).toHaveLength(1);
      // The corpus takes documents again, and the same ids are free.
      await add(owner, 'resettable', core('r0', ['Back again.']));
      expect(stored(id)).toMatchObject({ documents: 1, parts: 1, vectors: 1 });
    });
  });
});
