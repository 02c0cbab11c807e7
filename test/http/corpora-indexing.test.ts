import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client } from './support.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const core = (id: string, texts: string[], metadata: Record<string, unknown> = {}) => ({
  type: 'core',
  id,
  metadata,
  document_parts: texts.map((text) => ({ text })),
});

describe('corpus settings, size, reset and jobs over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
  });

  afterAll(async () => {
    await server?.close();
  });

  async function add(corpus: string, body: unknown) {
    const res = await owner.post(`/v2/corpora/${corpus}/documents`, body);
    expectOk(res, 'createCorpusDocument', 201);
    return res.body;
  }

  /** Polls GET /v2/jobs/{id} until the job leaves queued/started, for at most `ms`. */
  async function settled(c: Client, jobId: string, ms = 10_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const res = await c.get(`/v2/jobs/${jobId}`);
      expectOk(res, 'getJob', 200);
      if (res.body.state !== 'queued' && res.body.state !== 'started') return res.body;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.state} after ${ms} ms`);
      await sleep(20);
    }
  }

  async function replaceAttributes(c: Client, corpus: string, filter_attributes: unknown[]) {
    const res = await c.post(`/v2/corpora/${corpus}/replace_filter_attributes`, { filter_attributes });
    expectOk(res, 'replaceFilterAttributes', 200);
    expect(res.body.job_id).toMatch(/^job_.+/);
    return res.body.job_id as string;
  }

  describe('PATCH /v2/corpora/{key}', () => {
    it('changes enabled, name, description and save_history, one at a time or together', async () => {
      const before = await createCorpus(owner, 'patchable', { name: 'Old name', description: 'old' });
      const one = await owner.patch('/v2/corpora/patchable', { name: 'New name' });
      expectOk(one, 'updateCorpus', 200);
      expect(one.body).toMatchObject({ name: 'New name', description: 'old', enabled: true, save_history: false });

      const all = await owner.patch('/v2/corpora/patchable', { enabled: false, description: 'new', save_history: true });
      expectOk(all, 'updateCorpus', 200);
      expect(all.body).toMatchObject({ name: 'New name', description: 'new', enabled: false, save_history: true });
      // What cannot change through PATCH stays as it was.
      expect(all.body).toMatchObject({ id: before.id, key: 'patchable', encoder_name: before.encoder_name, created_at: before.created_at });

      const read = await owner.get('/v2/corpora/patchable');
      expectOk(read, 'getCorpus', 200);
      expect(read.body).toMatchObject({ name: 'New name', description: 'new', enabled: false, save_history: true });

      const nothing = await owner.patch('/v2/corpora/patchable', {});
      expectOk(nothing, 'updateCorpus', 200);
      expect(nothing.body).toEqual(read.body);
      expectOk(await owner.patch('/v2/corpora/patchable', { enabled: true }), 'updateCorpus', 200);
    });

    it('bad values are 400s, unknown corpora 404s, serving keys 403s', async () => {
      await createCorpus(owner, 'patch-bad');
      expectFieldError(await owner.patch('/v2/corpora/patch-bad', { enabled: 'yes' }), 'enabled');
      expectFieldError(await owner.patch('/v2/corpora/patch-bad', { name: '   ' }), 'name');
      expectError(await owner.patch('/v2/corpora/no-such-corpus', { name: 'x' }), 404, 'NotFoundError');
      const indexer = client(server.app, (await createKey(owner, 'serving_and_indexing', ['patch-bad'])).secret_key);
      expectError(await indexer.patch('/v2/corpora/patch-bad', { name: 'mine now' }), 403);
      expect((await owner.get('/v2/corpora/patch-bad')).body.name).toBe('patch-bad');
    });
  });

  describe('size, limits and reset', () => {
    it('compute_size and limits count what was indexed: documents, parts, characters', async () => {
      await createCorpus(owner, 'sized');
      const empty = await owner.post('/v2/corpora/sized/compute_size');
      expectOk(empty, 'computeCorpusSize', 200);
      expect(empty.body).toEqual({ used_docs: 0, used_parts: 0, used_characters: 0, used_metadata_characters: 0 });

      await add('sized', core('a', ['Alpha part one.', 'Alpha part two is longer.'], { topic: 'letters' }));
      await add('sized', { type: 'structured', id: 'b', title: 'Bravo', sections: [{ text: 'First sentence. Second sentence.' }] });
      const parts: string[] = [];
      for (const id of ['a', 'b']) parts.push(...(await owner.get(`/v2/corpora/sized/documents/${id}`)).body.parts.map((p: { text: string }) => p.text));
      expect(parts).toEqual(['Alpha part one.', 'Alpha part two is longer.', 'Bravo', 'First sentence.', 'Second sentence.']);
      const characters = parts.reduce((n, t) => n + t.length, 0);

      const size = await owner.post('/v2/corpora/sized/compute_size');
      expectOk(size, 'computeCorpusSize', 200);
      expect(size.body).toMatchObject({ used_docs: 2, used_parts: 5, used_characters: characters });
      expect(size.body.used_metadata_characters).toBeGreaterThanOrEqual(JSON.stringify({ topic: 'letters' }).length);

      const corpus = await owner.get('/v2/corpora/sized');
      expectOk(corpus, 'getCorpus', 200);
      // The spec: limits.used_characters "includes the document metadata, document part metadata,
      // and document contents".
      expect(corpus.body.limits).toMatchObject({
        used_docs: 2,
        used_parts: 5,
        used_characters: size.body.used_characters + size.body.used_metadata_characters,
      });
      expect(corpus.body.limits.max_metadata_bytes).toBeGreaterThan(0);

      // Metadata updates are counted too.
      await owner.patch('/v2/corpora/sized/documents/b', { metadata: { note: 'x'.repeat(50) } });
      const grown = await owner.post('/v2/corpora/sized/compute_size');
      expect(grown.body.used_metadata_characters).toBeGreaterThanOrEqual(size.body.used_metadata_characters + 50);
      expect(grown.body.used_characters).toBe(characters);
    });

    it('reset answers 204 and leaves an empty corpus with its settings', async () => {
      const attrs = [{ name: 'year', level: 'document', type: 'integer' }];
      const made = await createCorpus(owner, 'reset-me', { description: 'kept', filter_attributes: attrs });
      for (let i = 0; i < 3; i++) await add('reset-me', core(`d${i}`, [`Text number ${i}.`], { year: 2000 + i }));
      const res = await owner.post('/v2/corpora/reset-me/reset');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const size = await owner.post('/v2/corpora/reset-me/compute_size');
      expect(size.body).toEqual({ used_docs: 0, used_parts: 0, used_characters: 0, used_metadata_characters: 0 });
      const after = await owner.get('/v2/corpora/reset-me');
      expectOk(after, 'getCorpus', 200);
      expect(after.body).toMatchObject({ id: made.id, description: 'kept', filter_attributes: made.filter_attributes });
      expect(after.body.limits).toMatchObject({ used_docs: 0, used_parts: 0, used_characters: 0 });
      expect((await owner.get('/v2/corpora/reset-me/documents')).body.documents).toEqual([]);
      // Resetting an empty corpus is fine; an unknown one is a 404.
      expect((await owner.post('/v2/corpora/reset-me/reset')).status).toBe(204);
      expectError(await owner.post('/v2/corpora/no-such-corpus/reset'), 404, 'NotFoundError');
      expectError(await owner.post('/v2/corpora/no-such-corpus/compute_size'), 404, 'NotFoundError');
    });
  });

  describe('replace_filter_attributes and jobs', () => {
    let reader: Client;
    let jobA: string;
    let jobB: string;

    beforeAll(async () => {
      await createCorpus(owner, 'jobs-a', { filter_attributes: [{ name: 'old', level: 'document', type: 'text' }] });
      await createCorpus(owner, 'jobs-b');
      reader = client(server.app, (await createKey(owner, 'serving', ['jobs-a'])).secret_key);
    });

    it('returns a job id; once the job completes the new attributes are in effect', async () => {
      await add('jobs-a', core('before', ['Indexed before the change.'], { priority: 'high' }));
      jobA = await replaceAttributes(owner, 'jobs-a', [
        { name: 'priority', level: 'document', type: 'integer', description: 'how urgent' },
        { name: 'section', level: 'part', type: 'text', indexed: false },
      ]);
      const job = await settled(owner, jobA);
      expect(job).toMatchObject({ id: jobA, type: 'replace_filter_attributes', corpus_keys: ['jobs-a'], state: 'completed' });
      expect(Date.parse(job.completed_at)).toBeGreaterThanOrEqual(Date.parse(job.created_at));
      expect(job.created_by_username).toBeTypeOf('string');

      const corpus = await owner.get('/v2/corpora/jobs-a');
      expectOk(corpus, 'getCorpus', 200);
      expect(corpus.body.filter_attributes).toEqual([
        { name: 'priority', level: 'document', type: 'integer', description: 'how urgent', indexed: true },
        { name: 'section', level: 'part', type: 'text', indexed: false },
      ]);
      // The new declaration is enforced on new documents…
      expectFieldError(await owner.post('/v2/corpora/jobs-a/documents', core('wrong', ['Text.'], { priority: 'high' })), 'metadata.priority');
      expectFieldError(
        await owner.post('/v2/corpora/jobs-a/documents', { type: 'core', id: 'wrong-part', document_parts: [{ text: 'Text.', metadata: { section: 3 } }] }),
        'document_parts.0.metadata.section',
      );
      await add('jobs-a', core('right', ['Text.'], { priority: 2, old: 7 }));
      // …and in filters: the new attribute is usable, the old one is gone.
      const filtered = await owner.get(`/v2/corpora/jobs-a/documents?metadata_filter=${encodeURIComponent('doc.priority = 2')}`);
      expectOk(filtered, 'listCorpusDocuments', 200);
      expect(filtered.body.documents.map((d: { id: string }) => d.id)).toEqual(['right']);
      expectFieldError(await owner.get(`/v2/corpora/jobs-a/documents?metadata_filter=${encodeURIComponent("doc.old = 'x'")}`), 'metadata_filter');
    });

    it('bad declarations are 400s before any job is made; unknown corpora 404s', async () => {
      const dup = { name: 'p', level: 'document', type: 'text' };
      expectFieldError(await owner.post('/v2/corpora/jobs-b/replace_filter_attributes', { filter_attributes: [dup, dup] }), 'filter_attributes');
      expectFieldError(await owner.post('/v2/corpora/jobs-b/replace_filter_attributes', { filter_attributes: [{ ...dup, type: 'date' }] }), 'filter_attributes.0.type');
      expectFieldError(await owner.post('/v2/corpora/jobs-b/replace_filter_attributes', {}), 'filter_attributes');
      expectError(await owner.post('/v2/corpora/no-such-corpus/replace_filter_attributes', { filter_attributes: [] }), 404, 'NotFoundError');
      const listed = await owner.get('/v2/jobs?corpus_key=jobs-b');
      expect(listed.body.jobs).toEqual([]);
    });

    it('GET /v2/jobs filters by corpus_key (array), state (array) and after', async () => {
      jobB = await replaceAttributes(owner, 'jobs-b', [{ name: 'k', level: 'document', type: 'text' }]);
      await settled(owner, jobB);
      await sleep(5);
      const mark = new Date().toISOString();
      await sleep(5);
      const jobB2 = await replaceAttributes(owner, 'jobs-b', []);
      await settled(owner, jobB2);

      const ids = async (query: string) => {
        const res = await owner.get(`/v2/jobs${query}`);
        expectOk(res, 'listJobs', 200);
        return res.body.jobs.map((j: { id: string }) => j.id);
      };
      expect(await ids('?corpus_key=jobs-a')).toEqual([jobA]);
      expect(await ids('?corpus_key=jobs-b')).toEqual([jobB, jobB2]);
      expect(await ids('?corpus_key=jobs-a&corpus_key=jobs-b')).toEqual([jobA, jobB, jobB2]);
      expect(await ids('?corpus_key=no-such-corpus')).toEqual([]);
      expect(await ids('?state=completed&corpus_key=jobs-b')).toEqual([jobB, jobB2]);
      expect(await ids('?state=queued&state=failed&corpus_key=jobs-b')).toEqual([]);
      expect(await ids(`?after=${encodeURIComponent(mark)}`)).toEqual([jobB2]);
      expect(await ids(`?after=${encodeURIComponent(mark)}&corpus_key=jobs-a`)).toEqual([]);
      const { items } = await walkPages(owner, '/v2/jobs?corpus_key=jobs-a&corpus_key=jobs-b', 'jobs', 'listJobs', 2);
      expect(items.map((j) => j.id)).toEqual([jobA, jobB, jobB2]);

      expectFieldError(await owner.get('/v2/jobs?state=sleeping'), 'state.0');
      expectFieldError(await owner.get('/v2/jobs?after=yesterday'), 'after');
      expectError(await owner.get('/v2/jobs/job_does_not_exist'), 404, 'NotFoundError');
    });

    it("a QueryService key bound to A sees only A's jobs, and B's job is a 404", async () => {
      const listed = await reader.get('/v2/jobs');
      expectOk(listed, 'listJobs', 200);
      expect(listed.body.jobs.map((j: { id: string }) => j.id)).toEqual([jobA]);
      expectOk(await reader.get(`/v2/jobs/${jobA}`), 'getJob', 200);
      expectError(await reader.get(`/v2/jobs/${jobB}`), 404, 'NotFoundError');
      expectError(await reader.get('/v2/jobs?corpus_key=jobs-b'), 403);
      // Every corpus named must be the key's own, as with a single one.
      expectError(await reader.get('/v2/jobs?corpus_key=jobs-a&corpus_key=jobs-b'), 403);
      // It may not start jobs either.
      expectError(await reader.post('/v2/corpora/jobs-a/replace_filter_attributes', { filter_attributes: [] }), 403);
    });

    it('a job whose corpus was deleted fails cleanly, and the queue goes on', async () => {
      const doomed = await createCorpus(owner, 'doomed');
      const done = await replaceAttributes(owner, 'doomed', [{ name: 'x', level: 'document', type: 'text' }]);
      await settled(owner, done);
      expect((await owner.delete('/v2/corpora/doomed')).status).toBe(204);
      // A finished job of a deleted corpus can still be read.
      const old = await owner.get(`/v2/jobs/${done}`);
      expectOk(old, 'getJob', 200);
      expect(old.body).toMatchObject({ state: 'completed', corpus_keys: ['doomed'] });
      expectError(await owner.post('/v2/corpora/doomed/replace_filter_attributes', { filter_attributes: [] }), 404, 'NotFoundError');

      // A job still queued when its corpus went away looks like this in the queue (the corpus
      // reference cleared by the delete); it is put there through a second connection, as a
      // queued job cannot be held back from the running server's runner through the API.
      const side = createSqliteStorage(join(server.dataDir, 'quarry.db'));
      const orphanId = `job_orphan_${Number(doomed.id.slice(4))}`;
      try {
        await side.jobs.create({ id: orphanId, type: 'replace_filter_attributes', corpus_id: null, corpus_key: 'doomed', payload: { filter_attributes: [] }, created_by_username: null });
      } finally {
        await side.close();
      }
      const failed = await settled(owner, orphanId);
      expect(failed).toMatchObject({ state: 'failed', corpus_keys: ['doomed'] });
      expect(failed.error).toMatch(/no longer exists/);
      expect(failed.completed_at).toBeTypeOf('string');
      const listed = await owner.get('/v2/jobs?state=failed');
      expectOk(listed, 'listJobs', 200);
      expect(listed.body.jobs.map((j: { id: string }) => j.id)).toContain(orphanId);
      // A key bound to another corpus does not see it.
      expectError(await reader.get(`/v2/jobs/${orphanId}`), 404, 'NotFoundError');

      // The runner carries on with the next job.
      const next = await replaceAttributes(owner, 'jobs-b', [{ name: 'after_failure', level: 'document', type: 'boolean' }]);
      expect((await settled(owner, next)).state).toBe('completed');
    });
  });
});
