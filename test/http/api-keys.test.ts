import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client } from './support.js';

describe('API keys over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'alpha');
    await createCorpus(owner, 'beta');
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('create', () => {
    it('creates a personal key: 201, zut_ secret, aky_ id, no corpora', async () => {
      const res = await owner.post('/v2/api_keys', { name: 'my personal', api_key_role: 'personal' });
      expectOk(res, 'createApiKey', 201);
      expect(res.body.id).toMatch(/^aky_/);
      expect(res.body.name).toBe('my personal');
      expect(res.body.api_key_role).toBe('personal');
      expect(res.body.enabled).toBe(true);
      expect(res.body.secret_key).toMatch(/^zut_[A-Za-z0-9_-]{20,}$/);
      expect(res.body.corpus_keys).toEqual([]);
      // The new personal key acts as its user (the owner): it can manage keys.
      expect((await client(server.app, res.body.secret_key).get('/v2/api_keys')).status).toBe(200);
    });

    it('creates a QueryService (serving) key bound to its corpora: zqt_', async () => {
      const res = await owner.post('/v2/api_keys', { name: 'search page', api_key_role: 'serving', corpus_keys: ['alpha'] });
      expectOk(res, 'createApiKey', 201);
      expect(res.body.secret_key).toMatch(/^zqt_/);
      expect(res.body.api_key_role).toBe('serving');
      expect(res.body.corpus_keys).toEqual(['alpha']);
      const key = client(server.app, res.body.secret_key);
      expectOk(await key.get('/v2/corpora/alpha'), 'getCorpus', 200);
      expectError(await key.get('/v2/corpora/beta'), 403);
    });

    it('creates an IndexService (serving_and_indexing) key: zwt_', async () => {
      const res = await owner.post('/v2/api_keys', {
        name: 'ingest',
        api_key_role: 'serving_and_indexing',
        corpus_keys: ['alpha', 'beta'],
      });
      expectOk(res, 'createApiKey', 201);
      expect(res.body.secret_key).toMatch(/^zwt_/);
      expect(res.body.api_key_role).toBe('serving_and_indexing');
      expect([...res.body.corpus_keys].sort()).toEqual(['alpha', 'beta']);
    });

    it('every secret is different', async () => {
      const a = await createKey(owner, 'serving', ['alpha']);
      const b = await createKey(owner, 'serving', ['alpha']);
      expect(a.secret_key).not.toBe(b.secret_key);
      expect(a.id).not.toBe(b.id);
    });

    it('a personal key with corpus_keys is a 400 naming corpus_keys', async () => {
      const res = await owner.post('/v2/api_keys', { name: 'p', api_key_role: 'personal', corpus_keys: ['alpha'] });
      expectFieldError(res, 'corpus_keys');
    });

    it('a personal key with corpus_keys null or empty is accepted (the spec says null or missing)', async () => {
      expectOk(await owner.post('/v2/api_keys', { name: 'p-null', api_key_role: 'personal', corpus_keys: null }), 'createApiKey', 201);
      expectOk(await owner.post('/v2/api_keys', { name: 'p-empty', api_key_role: 'personal', corpus_keys: [] }), 'createApiKey', 201);
    });

    it('a serving or indexing key without corpora is a 400 naming corpus_keys', async () => {
      expectFieldError(await owner.post('/v2/api_keys', { name: 'q', api_key_role: 'serving' }), 'corpus_keys');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'q', api_key_role: 'serving', corpus_keys: [] }), 'corpus_keys');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'q', api_key_role: 'serving', corpus_keys: null }), 'corpus_keys');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'w', api_key_role: 'serving_and_indexing' }), 'corpus_keys');
    });

    it('an unknown corpus in corpus_keys is a 400 naming corpus_keys', async () => {
      const res = await owner.post('/v2/api_keys', { name: 'q', api_key_role: 'serving', corpus_keys: ['alpha', 'nope'] });
      expectFieldError(res, 'corpus_keys');
      expect(res.body.field_errors.corpus_keys).toContain('nope');
    });

    it('a blank name, a missing role and an unknown role are 400s', async () => {
      expectFieldError(await owner.post('/v2/api_keys', { name: '   ', api_key_role: 'personal' }), 'name');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'x' }), 'api_key_role');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'x', api_key_role: 'admin' }), 'api_key_role');
      expectFieldError(await owner.post('/v2/api_keys', { api_key_role: 'personal' }), 'name');
    });
  });

  describe('read back', () => {
    it('GET returns the key with its secret (store_secrets defaults to true)', async () => {
      const created = await createKey(owner, 'serving', ['alpha'], 'read me');
      const res = await owner.get(`/v2/api_keys/${created.id}`);
      expectOk(res, 'getApiKey', 200);
      expect(res.body.id).toBe(created.id);
      expect(res.body.name).toBe('read me');
      expect(res.body.secret_key).toBe(created.secret_key);
      expect(res.body.corpus_keys).toEqual(['alpha']);
      expect(res.body.api_policy.allowed_operations).toBeTypeOf('object');
    });

    it('the list also shows secrets', async () => {
      const created = await createKey(owner, 'serving', ['beta'], 'listed');
      const { items } = await walkPages(owner, '/v2/api_keys', 'api_keys', 'listApiKeys', 100);
      expect(items.find((k) => k.id === created.id)?.secret_key).toBe(created.secret_key);
    });

    it('an unknown id is a 404 NotFoundError carrying the id', async () => {
      const res = await owner.get('/v2/api_keys/aky_doesnotexist');
      expectError(res, 404, 'NotFoundError');
      expect(res.body.id).toBe('aky_doesnotexist');
    });
  });

  describe('list', () => {
    it('walks every page with limit=2; the last page has no page_key', async () => {
      for (let i = 0; i < 5; i++) await createKey(owner, 'serving', ['beta'], `paging ${i}`);
      const all = await owner.get('/v2/api_keys?limit=100');
      expectOk(all, 'listApiKeys', 200);
      expect(all.body.metadata?.page_key).toBeUndefined();
      const walked = await walkPages(owner, '/v2/api_keys', 'api_keys', 'listApiKeys', 2);
      expect(walked.pages).toBe(Math.ceil(all.body.api_keys.length / 2));
      const ids = walked.items.map((k) => k.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(all.body.api_keys.map((k: { id: string }) => k.id));
    });

    it('defaults to 10 per page', async () => {
      for (let i = 0; i < 11; i++) await createKey(owner, 'serving', ['beta'], `default page ${i}`);
      const res = await owner.get('/v2/api_keys');
      expectOk(res, 'listApiKeys', 200);
      expect(res.body.api_keys).toHaveLength(10);
      expect(res.body.metadata.page_key).toBeTypeOf('string');
    });

    it('filters by corpus_key', async () => {
      await createCorpus(owner, 'gamma');
      const g1 = await createKey(owner, 'serving', ['gamma'], 'gamma only');
      const g2 = await createKey(owner, 'serving_and_indexing', ['alpha', 'gamma'], 'alpha and gamma');
      const res = await owner.get('/v2/api_keys?corpus_key=gamma&limit=100');
      expectOk(res, 'listApiKeys', 200);
      expect(res.body.api_keys.map((k: { id: string }) => k.id).sort()).toEqual([g1.id, g2.id].sort());
      for (const k of res.body.api_keys) expect(k.corpus_keys).toContain('gamma');
    });

    it('a corpus_key filter naming no corpus gives an empty list', async () => {
      const res = await owner.get('/v2/api_keys?corpus_key=no-such-corpus');
      expectOk(res, 'listApiKeys', 200);
      expect(res.body.api_keys).toEqual([]);
    });

    it('filters by api_key_role', async () => {
      for (const role of ['personal', 'serving', 'serving_and_indexing'] as const) {
        const { items } = await walkPages(owner, `/v2/api_keys?api_key_role=${role}`, 'api_keys', 'listApiKeys', 100);
        expect(items.length).toBeGreaterThan(0);
        for (const k of items) expect(k.api_key_role).toBe(role);
      }
    });

    it('an unknown api_key_role filter is a 400', async () => {
      expectFieldError(await owner.get('/v2/api_keys?api_key_role=root'), 'api_key_role');
    });
  });

  describe('enable, disable, delete', () => {
    it('PATCH enabled:false blocks the key on its very next request; enabled:true restores it', async () => {
      const key = await createKey(owner, 'serving', ['alpha']);
      const caller = client(server.app, key.secret_key);
      expect((await caller.get('/v2/corpora')).status).toBe(200);

      const off = await owner.patch(`/v2/api_keys/${key.id}`, { enabled: false });
      expectOk(off, 'updateApiKey', 200);
      expect(off.body.enabled).toBe(false);
      expectError(await caller.get('/v2/corpora'), 401);
      expect((await owner.get(`/v2/api_keys/${key.id}`)).body.enabled).toBe(false);

      const on = await owner.patch(`/v2/api_keys/${key.id}`, { enabled: true });
      expectOk(on, 'updateApiKey', 200);
      expect(on.body.enabled).toBe(true);
      expectOk(await caller.get('/v2/corpora'), 'listCorpora', 200);
    });

    it('PATCH with an empty body changes nothing', async () => {
      const key = await createKey(owner, 'serving', ['alpha']);
      const res = await owner.patch(`/v2/api_keys/${key.id}`, {});
      expectOk(res, 'updateApiKey', 200);
      expect(res.body.enabled).toBe(true);
    });

    it('PATCH of an unknown key is a 404', async () => {
      expectError(await owner.patch('/v2/api_keys/aky_missing', { enabled: false }), 404, 'NotFoundError');
    });

    it('a disabled personal key is blocked too', async () => {
      const key = await createKey(owner, 'personal');
      const caller = client(server.app, key.secret_key);
      expect((await caller.get('/v2/api_keys?limit=1')).status).toBe(200);
      expectOk(await owner.patch(`/v2/api_keys/${key.id}`, { enabled: false }), 'updateApiKey', 200);
      expectError(await caller.get('/v2/api_keys?limit=1'), 401);
    });

    it('DELETE answers 204; the key is refused at once and reads as 404', async () => {
      const key = await createKey(owner, 'serving_and_indexing', ['alpha']);
      const caller = client(server.app, key.secret_key);
      expect((await caller.get('/v2/corpora/alpha')).status).toBe(200);

      const del = await owner.delete(`/v2/api_keys/${key.id}`);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expect(del.headers['x-request-id']).toBeTruthy();

      expectError(await caller.get('/v2/corpora/alpha'), 401);
      const gone = await owner.get(`/v2/api_keys/${key.id}`);
      expectError(gone, 404, 'NotFoundError');
      expect(gone.body.id).toBe(key.id);
      // Deleted is final: it cannot be re-enabled nor deleted twice.
      expectError(await owner.patch(`/v2/api_keys/${key.id}`, { enabled: true }), 404, 'NotFoundError');
      expectError(await owner.delete(`/v2/api_keys/${key.id}`), 404, 'NotFoundError');
      expectError(await caller.get('/v2/corpora/alpha'), 401);
    });
  });

  describe('corpus binding', () => {
    it('a key does not reach a corpus created after it', async () => {
      await createCorpus(owner, 'before-key');
      const key = await createKey(owner, 'serving_and_indexing', ['before-key']);
      await createCorpus(owner, 'after-key');
      const caller = client(server.app, key.secret_key);
      expectOk(await caller.get('/v2/corpora/before-key'), 'getCorpus', 200);
      expectError(await caller.get('/v2/corpora/after-key'), 403);
      const listed = await caller.get('/v2/corpora?limit=100');
      expectOk(listed, 'listCorpora', 200);
      expect(listed.body.corpora.map((c: { key: string }) => c.key)).toEqual(['before-key']);
    });

    it('a corpus deleted and re-created under the same key is not reachable by the old key', async () => {
      await createCorpus(owner, 'phoenix');
      const key = await createKey(owner, 'serving', ['phoenix']);
      const caller = client(server.app, key.secret_key);
      expectOk(await caller.get('/v2/corpora/phoenix'), 'getCorpus', 200);

      expect((await owner.delete('/v2/corpora/phoenix')).status).toBe(204);
      await createCorpus(owner, 'phoenix');
      expectError(await caller.get('/v2/corpora/phoenix'), 403);
      const listed = await caller.get('/v2/corpora');
      expectOk(listed, 'listCorpora', 200);
      expect(listed.body.corpora).toEqual([]);
      // The key itself still exists, bound to nothing.
      const read = await owner.get(`/v2/api_keys/${key.id}`);
      expectOk(read, 'getApiKey', 200);
      expect(read.body.corpus_keys).toEqual([]);
    });

    it('a corpus-bound key cannot manage API keys (Personal key operations)', async () => {
      for (const role of ['serving', 'serving_and_indexing'] as const) {
        const key = await createKey(owner, role, ['alpha']);
        const caller = client(server.app, key.secret_key);
        expectError(await caller.get('/v2/api_keys'), 403);
        expectError(await caller.post('/v2/api_keys', { name: 'x', api_key_role: 'serving', corpus_keys: ['alpha'] }), 403);
        expectError(await caller.get(`/v2/api_keys/${key.id}`), 403);
        expectError(await caller.patch(`/v2/api_keys/${key.id}`, { enabled: false }), 403);
        expectError(await caller.delete(`/v2/api_keys/${key.id}`), 403);
      }
    });
  });

  describe('credentials', () => {
    it('Authorization: Bearer <key> works like x-api-key', async () => {
      const anon = client(server.app);
      expectOk(await anon.get('/v2/api_keys', { authorization: `Bearer ${server.ownerKey}` }), 'listApiKeys', 200);
      const key = await createKey(owner, 'serving', ['alpha']);
      expectOk(await anon.get('/v2/corpora/alpha', { authorization: `Bearer ${key.secret_key}` }), 'getCorpus', 200);
      expectError(await anon.get('/v2/corpora/beta', { authorization: `Bearer ${key.secret_key}` }), 403);
      // A disabled key is refused the same way whichever header carries it.
      await owner.patch(`/v2/api_keys/${key.id}`, { enabled: false });
      expectError(await anon.get('/v2/corpora/alpha', { authorization: `Bearer ${key.secret_key}` }), 401);
    });

    it('no key, an unknown key and a malformed key are 401s', async () => {
      const anon = client(server.app);
      expectError(await anon.get('/v2/api_keys'), 401);
      expectError(await client(server.app, `zut_${'A'.repeat(40)}`).get('/v2/api_keys'), 401);
      expectError(await client(server.app, 'not-a-key').get('/v2/api_keys'), 401);
      expectError(await anon.get('/v2/api_keys', { authorization: 'Basic Zm9vOmJhcg==' }), 401);
    });
  });
});

describe('API keys with show-once secrets (auth.store_secrets: false)', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp({ auth: { store_secrets: false } });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'alpha');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the secret is returned on create only, and the key works', async () => {
    for (const [role, corpora, prefix] of [
      ['personal', undefined, 'zut_'],
      ['serving', ['alpha'], 'zqt_'],
      ['serving_and_indexing', ['alpha'], 'zwt_'],
    ] as const) {
      const created = await createKey(owner, role, corpora ? [...corpora] : undefined);
      expect(created.secret_key.startsWith(prefix)).toBe(true);

      const read = await owner.get(`/v2/api_keys/${created.id}`);
      expectOk(read, 'getApiKey', 200);
      expect(read.body).not.toHaveProperty('secret_key');

      const { items } = await walkPages(owner, '/v2/api_keys', 'api_keys', 'listApiKeys', 100);
      for (const k of items) expect(k).not.toHaveProperty('secret_key');

      const patched = await owner.patch(`/v2/api_keys/${created.id}`, { enabled: true });
      expectOk(patched, 'updateApiKey', 200);
      expect(patched.body).not.toHaveProperty('secret_key');

      expect((await client(server.app, created.secret_key).get('/v2/corpora')).status).toBe(200);
    }
  });
});
