import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client } from './support.js';

describe('corpora over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('create', () => {
    it('creates a corpus: 201, crp_N id, name defaults to the key, spec defaults', async () => {
      const res = await owner.post('/v2/corpora', { key: 'first' });
      expectOk(res, 'createCorpus', 201);
      expect(res.body.id).toMatch(/^crp_\d+$/);
      expect(res.body.key).toBe('first');
      expect(res.body.name).toBe('first');
      expect(res.body.description).toBe('');
      expect(res.body.enabled).toBe(true);
      expect(res.body.queries_are_answers).toBe(false);
      expect(res.body.documents_are_questions).toBe(false);
      expect(res.body.save_history).toBe(false);
      expect(res.body.filter_attributes).toEqual([]);
      expect(res.body.custom_dimensions).toEqual([]);
      expect(res.body.encoder_name).toBeTypeOf('string');
      expect(res.body.encoder_name.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(res.body.created_at))).toBe(false);
    });

    it('ids are distinct', async () => {
      const a = await createCorpus(owner, 'id-a');
      const b = await createCorpus(owner, 'id-b');
      expect(a.id).not.toBe(b.id);
    });

    it('keeps the given name, description and options', async () => {
      const res = await owner.post('/v2/corpora', {
        key: 'configured',
        name: 'Configured corpus',
        description: 'With everything',
        save_history: true,
        queries_are_answers: true,
        documents_are_questions: true,
        filter_attributes: [{ name: 'lang', level: 'document', type: 'text' }],
        custom_dimensions: [{ name: 'boost' }],
      });
      expectOk(res, 'createCorpus', 201);
      expect(res.body.name).toBe('Configured corpus');
      expect(res.body.description).toBe('With everything');
      expect(res.body.save_history).toBe(true);
      expect(res.body.queries_are_answers).toBe(true);
      expect(res.body.documents_are_questions).toBe(true);
      expect(res.body.filter_attributes).toEqual([{ name: 'lang', level: 'document', type: 'text', indexed: true }]);
      expect(res.body.custom_dimensions).toEqual([{ name: 'boost', indexing_default: 0, querying_default: 0 }]);
      const read = await owner.get('/v2/corpora/configured');
      expectOk(read, 'getCorpus', 200);
      expect(read.body).toEqual(res.body);
    });

    it('accepts Vectara\'s encoder name boomerang-2023-q3 and the legacy encoder_id enc_1', async () => {
      const byName = await owner.post('/v2/corpora', { key: 'boomerang', encoder_name: 'boomerang-2023-q3' });
      expectOk(byName, 'createCorpus', 201);
      expect(byName.body.encoder_name).toBe('boomerang-2023-q3');
      const byId = await owner.post('/v2/corpora', { key: 'legacy-encoder', encoder_id: 'enc_1' });
      expectOk(byId, 'createCorpus', 201);
      expect(byId.body.encoder_name).toBe('boomerang-2023-q3');
    });

    it('accepts the default encoder by the name it reports', async () => {
      const def = await createCorpus(owner, 'default-encoder');
      const res = await owner.post('/v2/corpora', { key: 'explicit-encoder', encoder_name: def.encoder_name });
      expectOk(res, 'createCorpus', 201);
      expect(res.body.encoder_name).toBe(def.encoder_name);
    });

    it('an unknown encoder is a 400 naming the field', async () => {
      expectFieldError(await owner.post('/v2/corpora', { key: 'enc-bad', encoder_name: 'gpt-embeddings-9000' }), 'encoder_name');
      expectFieldError(await owner.post('/v2/corpora', { key: 'enc-bad', encoder_id: 'enc_999' }), 'encoder_id');
      expectError(await owner.get('/v2/corpora/enc-bad'), 404, 'NotFoundError');
    });

    it('a key outside the pattern is a 400 naming key', async () => {
      for (const key of ['has space', 'slash/y', 'dot.ted', 'ünï', '', 'k'.repeat(51)]) {
        expectFieldError(await owner.post('/v2/corpora', { key }), 'key');
      }
      expectFieldError(await owner.post('/v2/corpora', {}), 'key');
      // The pattern's own characters are fine, up to 50 of them.
      expectOk(await owner.post('/v2/corpora', { key: 'A-z_0=9' }), 'createCorpus', 201);
      expectOk(await owner.post('/v2/corpora', { key: 'k'.repeat(50) }), 'createCorpus', 201);
    });

    it('a duplicate key is a 409', async () => {
      await createCorpus(owner, 'twice');
      expectError(await owner.post('/v2/corpora', { key: 'twice', name: 'other' }), 409);
    });

    it('duplicate filter attributes are a 400', async () => {
      const attr = { name: 'lang', level: 'document', type: 'text' };
      expectFieldError(await owner.post('/v2/corpora', { key: 'dup-attrs', filter_attributes: [attr, attr] }), 'filter_attributes');
    });
  });

  describe('list', () => {
    let lister: TestServer;
    let o: Client;

    beforeAll(async () => {
      lister = await startTestApp();
      o = client(lister.app, lister.ownerKey);
      await createCorpus(o, 'fin-2023', { name: 'Finance 2023', description: 'annual reports' });
      await createCorpus(o, 'fin-2024', { name: 'Finance 2024', description: 'annual reports' });
      await createCorpus(o, 'legal', { name: 'Legal cases', description: 'court rulings' });
      await createCorpus(o, 'support', { name: 'Support portal', description: 'tickets' });
      await createCorpus(o, 'hr', { name: 'People', description: 'handbook' });
    });

    afterAll(async () => {
      await lister?.close();
    });

    it('walks every page with limit=2; the last page has no page_key', async () => {
      const { items, pages } = await walkPages(o, '/v2/corpora', 'corpora', 'listCorpora', 2);
      expect(pages).toBe(3);
      expect(items.map((c) => c.key)).toEqual(['fin-2023', 'fin-2024', 'legal', 'support', 'hr']);
    });

    it('the default page holds everything here, without a page_key', async () => {
      const res = await o.get('/v2/corpora');
      expectOk(res, 'listCorpora', 200);
      expect(res.body.corpora).toHaveLength(5);
      expect(res.body.metadata?.page_key).toBeUndefined();
    });

    it('filter is a regular expression over name and description', async () => {
      const byName = await o.get(`/v2/corpora?filter=${encodeURIComponent('^Finance 20\\d\\d$')}`);
      expectOk(byName, 'listCorpora', 200);
      expect(byName.body.corpora.map((c: { key: string }) => c.key)).toEqual(['fin-2023', 'fin-2024']);

      const byDescription = await o.get(`/v2/corpora?filter=${encodeURIComponent('rulings|tickets')}`);
      expectOk(byDescription, 'listCorpora', 200);
      expect(byDescription.body.corpora.map((c: { key: string }) => c.key)).toEqual(['legal', 'support']);

      const none = await o.get('/v2/corpora?filter=zzz');
      expectOk(none, 'listCorpora', 200);
      expect(none.body.corpora).toEqual([]);

      // Paging and filtering together.
      const { items } = await walkPages(o, `/v2/corpora?filter=${encodeURIComponent('annual|court')}`, 'corpora', 'listCorpora', 1);
      expect(items.map((c) => c.key)).toEqual(['fin-2023', 'fin-2024', 'legal']);
    });

    it('an invalid regular expression is a 400 naming filter', async () => {
      for (const filter of ['(', '[a-', '*x', '(?<n>a)(?<n>b)']) {
        expectFieldError(await o.get(`/v2/corpora?filter=${encodeURIComponent(filter)}`), 'filter');
      }
    });

    it('corpus_id narrows the list to those ids', async () => {
      const all = (await o.get('/v2/corpora')).body.corpora as Array<{ id: string; key: string }>;
      const want = [all[1]!, all[3]!];
      const res = await o.get(`/v2/corpora?corpus_id=${want[0]!.id}&corpus_id=${want[1]!.id}`);
      expectOk(res, 'listCorpora', 200);
      expect(res.body.corpora.map((c: { key: string }) => c.key)).toEqual(want.map((c) => c.key));
      expectFieldError(await o.get('/v2/corpora?corpus_id=legal'), 'corpus_id');
    });

    it('a QueryService key lists only its own corpora', async () => {
      const key = await createKey(o, 'serving', ['legal', 'hr']);
      const res = await client(lister.app, key.secret_key).get('/v2/corpora');
      expectOk(res, 'listCorpora', 200);
      expect(res.body.corpora.map((c: { key: string }) => c.key)).toEqual(['legal', 'hr']);
      // Also when filtering and paging.
      const { items } = await walkPages(client(lister.app, key.secret_key), '/v2/corpora', 'corpora', 'listCorpora', 1);
      expect(items.map((c) => c.key)).toEqual(['legal', 'hr']);
      const filtered = await client(lister.app, key.secret_key).get('/v2/corpora?filter=Finance');
      expect(filtered.body.corpora).toEqual([]);
    });

    it('a user with only per-corpus roles lists only those corpora', async () => {
      const made = await o.post('/v2/users', { email: 'viewer@example.com', corpus_roles: [{ corpus_key: 'support', role: 'viewer' }] });
      expect(made.status).toBe(201);
      const user = await lister.app.services.users.require('viewer@example.com');
      const key = await lister.app.services.apiKeys.create(
        { kind: 'api_key', keyId: 'test-setup', keyRole: 'personal', user, corpusIds: [] },
        { name: 'viewer key', api_key_role: 'personal' },
      );
      const res = await client(lister.app, key.secret_key).get('/v2/corpora');
      expectOk(res, 'listCorpora', 200);
      expect(res.body.corpora.map((c: { key: string }) => c.key)).toEqual(['support']);
    });
  });

  describe('read and delete', () => {
    it('GET returns the corpus; an unknown key is a 404 NotFoundError with the key as id', async () => {
      const created = await createCorpus(owner, 'readable');
      const res = await owner.get('/v2/corpora/readable');
      expectOk(res, 'getCorpus', 200);
      expect(res.body).toEqual(created);
      const missing = await owner.get('/v2/corpora/missing');
      expectError(missing, 404, 'NotFoundError');
      expect(missing.body.id).toBe('missing');
    });

    it('DELETE answers 204, then GET and DELETE are 404', async () => {
      await createCorpus(owner, 'deletable');
      const del = await owner.delete('/v2/corpora/deletable');
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expectError(await owner.get('/v2/corpora/deletable'), 404, 'NotFoundError');
      expectError(await owner.delete('/v2/corpora/deletable'), 404, 'NotFoundError');
      const listed = await walkPages(owner, '/v2/corpora', 'corpora', 'listCorpora', 100);
      expect(listed.items.map((c) => c.key)).not.toContain('deletable');
    });

    it('a re-created corpus gets a new id', async () => {
      const before = await createCorpus(owner, 'reborn');
      expect((await owner.delete('/v2/corpora/reborn')).status).toBe(204);
      const after = await createCorpus(owner, 'reborn');
      expect(after.id).not.toBe(before.id);
    });

    it('a path key outside the pattern is a 400, not a 404 or 500', async () => {
      expectFieldError(await owner.get(`/v2/corpora/${encodeURIComponent('bad key!')}`), 'corpus_key');
    });
  });

  describe('who may do what', () => {
    it('QueryService and IndexService keys may read their corpus but not create or delete corpora', async () => {
      await createCorpus(owner, 'guarded');
      for (const role of ['serving', 'serving_and_indexing'] as const) {
        const key = client(server.app, (await createKey(owner, role, ['guarded'])).secret_key);
        expectOk(await key.get('/v2/corpora/guarded'), 'getCorpus', 200);
        expectError(await key.post('/v2/corpora', { key: `by-${role}` }), 403);
        expectError(await key.delete('/v2/corpora/guarded'), 403);
        expect((await key.delete('/v2/corpora/guarded')).body.messages[0]).toMatch(/Personal/);
      }
      expectOk(await owner.get('/v2/corpora/guarded'), 'getCorpus', 200);
    });

    it('a bound key is 403, not 404, on a corpus that does not exist (it learns nothing)', async () => {
      await createCorpus(owner, 'bound-only');
      const key = client(server.app, (await createKey(owner, 'serving', ['bound-only'])).secret_key);
      expectError(await key.get('/v2/corpora/does-not-exist'), 403);
    });

    it('without a key: 401', async () => {
      const anon = client(server.app);
      expectError(await anon.get('/v2/corpora'), 401);
      expectError(await anon.post('/v2/corpora', { key: 'anon' }), 401);
      expectError(await anon.get('/v2/corpora/guarded'), 401);
      expectError(await anon.delete('/v2/corpora/guarded'), 401);
    });
  });
});
