import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { specProblems } from '../helpers/spec.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client } from './support.js';

interface Created {
  id: string;
  client_id: string;
  client_secret: string;
}

describe('app clients and OAuth tokens over HTTP', () => {
  let server: TestServer;
  let owner: Client;
  let anon: Client;

  beforeAll(async () => {
    server = await startTestApp({ owner: { email: 'owner@example.com' } });
    owner = client(server.app, server.ownerKey);
    anon = client(server.app);
    await createCorpus(owner, 'docs');
  });

  afterAll(async () => {
    await server?.close();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  async function createClient(body: Record<string, unknown>, by: Client = owner): Promise<Created> {
    const res = await by.post('/v2/app_clients', { type: 'client_credentials', ...body });
    expectOk(res, 'createAppClient', 201);
    return res.body;
  }

  /** POST /oauth/token with a JSON body; answers with the raw response. */
  async function tokenJson(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return anon.post('/oauth/token', body, headers);
  }

  async function tokenForm(form: Record<string, string>, url = '/oauth2/token', headers: Record<string, string> = {}) {
    const res = await server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });
    return { status: res.statusCode, body: res.json(), headers: res.headers, text: res.body };
  }

  async function tokenFor(c: Created): Promise<string> {
    const res = await tokenJson({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
    expectOk(res, 'getOAuthToken', 200);
    return res.body.access_token;
  }

  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  describe('app clients', () => {
    it('creates a client: 201, app_ id, client_id and client_secret', async () => {
      const res = await owner.post('/v2/app_clients', {
        type: 'client_credentials',
        name: 'ci pipeline',
        description: 'builds',
        api_roles: ['corpus_developer'],
      });
      expectOk(res, 'createAppClient', 201);
      expect(res.body.id).toMatch(/^app_/);
      expect(res.body.name).toBe('ci pipeline');
      expect(res.body.description).toBe('builds');
      expect(res.body.client_id).toBeTypeOf('string');
      expect(res.body.client_secret).toBeTypeOf('string');
      expect(res.body.client_secret.length).toBeGreaterThanOrEqual(32);
      expect(res.body.api_roles).toEqual(['corpus_developer']);
      expect(res.body.api_policy.allowed_operations).toBeTypeOf('object');
    });

    it('GET reads it back, secret included for an owner', async () => {
      const c = await createClient({ name: 'reader' });
      const res = await owner.get(`/v2/app_clients/${c.id}`);
      expectOk(res, 'getAppClient', 200);
      expect(res.body.client_id).toBe(c.client_id);
      expect(res.body.client_secret).toBe(c.client_secret);
      expect(res.body.api_roles).toEqual([]);
    });

    it('lists with paging and a name filter', async () => {
      for (let i = 0; i < 3; i++) await createClient({ name: `paged-${i}` });
      const { items } = await walkPages(owner, '/v2/app_clients', 'app_clients', 'listAppClient', 2);
      const names = items.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['paged-0', 'paged-1', 'paged-2']));
      expect(new Set(items.map((c) => c.id)).size).toBe(items.length);

      const filtered = await owner.get(`/v2/app_clients?filter=${encodeURIComponent('^paged-[01]$')}`);
      expectOk(filtered, 'listAppClient', 200);
      expect(filtered.body.app_clients.map((c: { name: string }) => c.name).sort()).toEqual(['paged-0', 'paged-1']);
      expectFieldError(await owner.get(`/v2/app_clients?filter=${encodeURIComponent('([')}`), 'filter');
    });

    it('PATCH replaces description and roles', async () => {
      const c = await createClient({ name: 'patched', description: 'old' });
      const res = await owner.patch(`/v2/app_clients/${c.id}`, { description: 'new', api_roles: ['administrator'] });
      expectOk(res, 'updateAppClient', 200);
      expect(res.body.description).toBe('new');
      expect(res.body.api_roles).toEqual(['administrator']);
      const again = await owner.patch(`/v2/app_clients/${c.id}`, {});
      expectOk(again, 'updateAppClient', 200);
      expect(again.body.description).toBe('new');
      expect(again.body.api_roles).toEqual(['administrator']);
    });

    it('DELETE answers 204, then the client is 404', async () => {
      const c = await createClient({ name: 'doomed' });
      const del = await owner.delete(`/v2/app_clients/${c.id}`);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      const gone = await owner.get(`/v2/app_clients/${c.id}`);
      expectError(gone, 404, 'NotFoundError');
      expect(gone.body.id).toBe(c.id);
      expectError(await owner.patch(`/v2/app_clients/${c.id}`, { description: 'x' }), 404, 'NotFoundError');
      expectError(await owner.delete(`/v2/app_clients/${c.id}`), 404, 'NotFoundError');
    });

    it('bad bodies are 400s naming the field', async () => {
      expectFieldError(await owner.post('/v2/app_clients', { type: 'client_credentials' }), 'name');
      expectFieldError(await owner.post('/v2/app_clients', { type: 'client_credentials', name: '  ' }), 'name');
      expectFieldError(await owner.post('/v2/app_clients', { type: 'authorization_code', name: 'x' }), 'type');
      expectFieldError(await owner.post('/v2/app_clients', { type: 'client_credentials', name: 'x', api_roles: ['root'] }), 'api_roles.0');
    });
  });

  describe('tokens', () => {
    it('POST /oauth/token with JSON gives a Bearer token that lasts 1800 seconds', async () => {
      const c = await createClient({ name: 'json-token' });
      const res = await tokenJson({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
      expectOk(res, 'getOAuthToken', 200);
      expect(res.body.token_type).toBe('Bearer');
      expect(res.body.expires_in).toBe(1800);
      expect(res.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(res.headers['x-request-id']).toBeTruthy();
    });

    it('POST /oauth2/token takes a form-encoded body (as the SDKs send it)', async () => {
      const c = await createClient({ name: 'form-token', api_roles: ['administrator'] });
      const res = await tokenForm({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
      expect(res.status, res.text).toBe(200);
      expect(specProblems('getOAuthToken', 200, res.body)).toEqual([]);
      expect(res.body.token_type).toBe('Bearer');
      expect(res.body.expires_in).toBe(1800);
      // The form-encoded token works like any other.
      expectOk(await anon.get('/v2/users', bearer(res.body.access_token)), 'listUsers', 200);
    });

    it('client credentials may come in HTTP Basic authentication', async () => {
      const c = await createClient({ name: 'basic-token' });
      const basic = { authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}` };
      const json = await tokenJson({ grant_type: 'client_credentials' }, basic);
      expectOk(json, 'getOAuthToken', 200);
      const form = await tokenForm({ grant_type: 'client_credentials' }, '/oauth2/token', basic);
      expect(form.status, form.text).toBe(200);
      expect(specProblems('getOAuthToken', 200, form.body)).toEqual([]);
    });

    it('a wrong secret, an unknown client or missing credentials are 401 invalid_client', async () => {
      const c = await createClient({ name: 'guarded' });
      const cases = [
        await tokenJson({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: 'wrong' }),
        await tokenJson({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: c.client_secret }),
        await tokenJson({ grant_type: 'client_credentials' }),
        await tokenForm({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: 'wrong' }),
        await tokenJson(
          { grant_type: 'client_credentials' },
          { authorization: `Basic ${Buffer.from(`${c.client_id}:nope`).toString('base64')}` },
        ),
      ];
      for (const res of cases) {
        expectError(res, 401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.body).not.toHaveProperty('access_token');
      }
    });

    it('a grant type other than client_credentials is 400 unsupported_grant_type, a missing one invalid_request', async () => {
      const c = await createClient({ name: 'grants' });
      for (const grant_type of ['password', 'authorization_code']) {
        const res = await tokenJson({ grant_type, client_id: c.client_id, client_secret: c.client_secret });
        expectError(res, 400);
        expect(res.body.error).toBe('unsupported_grant_type');
      }
      const missing = await tokenJson({ client_id: c.client_id, client_secret: c.client_secret });
      expectError(missing, 400);
      expect(missing.body.error).toBe('invalid_request');
      const form = await tokenForm({ grant_type: 'refresh_token', client_id: c.client_id, client_secret: c.client_secret });
      expect(form.status).toBe(400);
      expect(form.body.error).toBe('unsupported_grant_type');
    });

    it('the token acts with the client\'s api_roles', async () => {
      const admin = await tokenFor(await createClient({ name: 'admin-client', api_roles: ['administrator'] }));
      const none = await tokenFor(await createClient({ name: 'no-roles-client' }));

      expectOk(await anon.get('/v2/users', bearer(admin)), 'listUsers', 200);
      expectOk(await anon.get('/v2/api_keys', bearer(admin)), 'listApiKeys', 200);
      expectError(await anon.get('/v2/users', bearer(none)), 403);
      expectError(await anon.get('/v2/api_keys', bearer(none)), 403);
      expectError(await anon.post('/v2/corpora', { key: 'by-token' }, bearer(none)), 403);
    });

    it('role changes of the client apply to tokens already issued', async () => {
      const c = await createClient({ name: 'promoted-client' });
      const token = await tokenFor(c);
      expectError(await anon.get('/v2/users', bearer(token)), 403);
      expectOk(await owner.patch(`/v2/app_clients/${c.id}`, { api_roles: ['administrator'] }), 'updateAppClient', 200);
      expectOk(await anon.get('/v2/users', bearer(token)), 'listUsers', 200);
    });

    it('an app client cannot own a personal key', async () => {
      const admin = await tokenFor(await createClient({ name: 'keyless', api_roles: ['administrator'] }));
      const res = await anon.post('/v2/api_keys', { name: 'mine', api_key_role: 'personal' }, bearer(admin));
      expectFieldError(res, 'api_key_role');
    });

    it('deleting the client makes its token 401 on the next request', async () => {
      const c = await createClient({ name: 'short-lived', api_roles: ['administrator'] });
      const token = await tokenFor(c);
      expectOk(await anon.get('/v2/users', bearer(token)), 'listUsers', 200);
      expect((await owner.delete(`/v2/app_clients/${c.id}`)).status).toBe(204);
      expectError(await anon.get('/v2/users', bearer(token)), 401);
      // Nor can it get a new one.
      const again = await tokenJson({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
      expectError(again, 401);
      expect(again.body.error).toBe('invalid_client');
    });

    it('an expired token is 401', async () => {
      const c = await createClient({ name: 'clock', api_roles: ['administrator'] });
      const token = await tokenFor(c);
      expectOk(await anon.get('/v2/users', bearer(token)), 'listUsers', 200);

      vi.setSystemTime(Date.now() + 1799 * 1000);
      expectOk(await anon.get('/v2/users', bearer(token)), 'listUsers', 200);

      vi.setSystemTime(Date.now() + 2 * 1000 + 1000);
      const res = await anon.get('/v2/users', bearer(token));
      expectError(res, 401);
      expect(res.body.messages[0]).toMatch(/expired/i);
      vi.useRealTimers();

      // A fresh token works again.
      expectOk(await anon.get('/v2/users', bearer(await tokenFor(c))), 'listUsers', 200);
    });

    it('a tampered or garbage token is 401', async () => {
      const token = await tokenFor(await createClient({ name: 'tamper', api_roles: ['administrator'] }));
      const [h, p, s] = token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'app_other', exp: 9999999999 })).toString('base64url')}.${s}`;
      expectError(await anon.get('/v2/users', bearer(forged)), 401);
      expectError(await anon.get('/v2/users', bearer(`${h}.${p}.${'A'.repeat(43)}`)), 401);
      expectError(await anon.get('/v2/users', bearer('a.b.c')), 401);
    });
  });

  describe('corpus-bound keys and app clients (the seed\'s table)', () => {
    it('a QueryService key may list and read app clients but sees no secret', async () => {
      const c = await createClient({ name: 'visible' });
      const zqt = client(server.app, (await createKey(owner, 'serving', ['docs'])).secret_key);
      const list = await zqt.get('/v2/app_clients?limit=100');
      expectOk(list, 'listAppClient', 200);
      expect(list.body.app_clients.length).toBeGreaterThan(0);
      for (const item of list.body.app_clients) expect(item).not.toHaveProperty('client_secret');
      const one = await zqt.get(`/v2/app_clients/${c.id}`);
      expectOk(one, 'getAppClient', 200);
      expect(one.body).not.toHaveProperty('client_secret');
      expect(one.body.client_id).toBe(c.client_id);
    });

    it('a QueryService key may not create, update or delete app clients', async () => {
      const c = await createClient({ name: 'untouchable' });
      const zqt = client(server.app, (await createKey(owner, 'serving', ['docs'])).secret_key);
      expectError(await zqt.post('/v2/app_clients', { type: 'client_credentials', name: 'nope' }), 403);
      expectError(await zqt.patch(`/v2/app_clients/${c.id}`, { description: 'x' }), 403);
      expectError(await zqt.delete(`/v2/app_clients/${c.id}`), 403);
    });

    it('an IndexService key may create an app client, but not grant roles', async () => {
      const zwt = client(server.app, (await createKey(owner, 'serving_and_indexing', ['docs'])).secret_key);
      const res = await zwt.post('/v2/app_clients', { type: 'client_credentials', name: 'from zwt' });
      expectOk(res, 'createAppClient', 201);
      expect(res.body.api_roles).toEqual([]);
      // The creator is shown the secret once, as anyone creating a client is.
      expect(res.body.client_secret).toBeTypeOf('string');
      expect((await zwt.get(`/v2/app_clients/${res.body.id}`)).body).not.toHaveProperty('client_secret');

      expectError(
        await zwt.post('/v2/app_clients', { type: 'client_credentials', name: 'escalate', api_roles: ['administrator'] }),
        403,
      );
      expectError(await zwt.patch(`/v2/app_clients/${res.body.id}`, { api_roles: ['corpus_developer'] }), 403);
      expectOk(await zwt.patch(`/v2/app_clients/${res.body.id}`, { description: 'described' }), 'updateAppClient', 200);
      expectError(await zwt.delete(`/v2/app_clients/${res.body.id}`), 403);
    });
  });
});

describe('OAuth tokens with a custom lifetime', () => {
  it('expires_in follows auth.token_ttl_seconds', async () => {
    const server = await startTestApp({ auth: { token_ttl_seconds: 60 } });
    try {
      const owner = client(server.app, server.ownerKey);
      const c = (await owner.post('/v2/app_clients', { type: 'client_credentials', name: 'ttl' })).body;
      const res = await client(server.app).post('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: c.client_id,
        client_secret: c.client_secret,
      });
      expectOk(res, 'getOAuthToken', 200);
      expect(res.body.expires_in).toBe(60);
    } finally {
      await server.close();
    }
  });
});
