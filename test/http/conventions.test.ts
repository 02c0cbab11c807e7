import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { schemaProblems } from '../helpers/spec.js';
import { OPERATIONS } from '../../src/http/operations.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, raw, type Client } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('cross-cutting HTTP conventions', () => {
  let server: TestServer;
  let owner: Client;
  let anon: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    anon = client(server.app);
    await createCorpus(owner, 'docs');
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('request ids', () => {
    it('every response carries x-request-id, successes and failures alike, each one different', async () => {
      const responses = [
        await owner.get('/v2/corpora'),
        await owner.post('/v2/corpora', { key: 'rid' }),
        await owner.delete('/v2/corpora/rid'),
        await anon.get('/v2/corpora'),
        await owner.get('/v2/corpora/missing'),
        await owner.get('/v2/no-such-route'),
        await owner.get('/v2/llms'),
        await owner.post('/v2/corpora', { key: 7 }),
        await anon.post('/oauth/token', { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }),
        await anon.get('/healthz'),
      ];
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const [i, id] of ids.entries()) expect(id, `response ${i}`).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('error bodies carry the same request_id as the header', async () => {
      for (const res of [
        await anon.get('/v2/corpora'),
        await owner.get('/v2/corpora/missing'),
        await owner.get('/v2/no-such-route'),
        await owner.post('/v2/corpora', {}),
        await owner.get('/v2/llms/llm_missing'),
      ]) {
        expect(res.body.request_id).toBe(res.headers['x-request-id']);
      }
    });

    it('a safe caller-supplied X-Request-Id is echoed, in the header and in error bodies', async () => {
      const ok = await owner.get('/v2/corpora', { 'x-request-id': 'trace-123.abc:DEF_0' });
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('trace-123.abc:DEF_0');
      const err = await owner.get('/v2/corpora/missing', { 'x-request-id': 'client-chosen-42' });
      expectError(err, 404, 'NotFoundError');
      expect(err.headers['x-request-id']).toBe('client-chosen-42');
      expect(err.body.request_id).toBe('client-chosen-42');
    });

    it('an unsafe X-Request-Id is replaced with a fresh one', async () => {
      for (const given of ['has space', '<script>', 'x'.repeat(129), 'new\tline', 'é']) {
        const res = await raw(server, 'GET', '/v2/corpora/missing', { key: server.ownerKey, headers: { 'x-request-id': given } });
        expect(res.headers['x-request-id']).toMatch(UUID);
        expect(res.body.request_id).toBe(res.headers['x-request-id']);
      }
    });
  });

  describe('request bodies', () => {
    it('bad JSON is a 400 BadRequestError', async () => {
      for (const payload of ['{"key": ', '{key: "x"}', "{'key': 'x'}", '{"key":"x",}', 'nul', '\u0000']) {
        const res = await raw(server, 'POST', '/v2/corpora', { key: server.ownerKey, contentType: 'application/json', payload });
        expectError(res, 400, 'BadRequestError');
      }
    });

    it('an empty JSON body is a 400 BadRequestError', async () => {
      const res = await raw(server, 'POST', '/v2/corpora', { key: server.ownerKey, contentType: 'application/json', payload: '' });
      expectError(res, 400, 'BadRequestError');
    });

    it('a JSON body that is not an object is a 400', async () => {
      for (const payload of ['null', '[]', '"docs"', '42', 'true']) {
        const res = await raw(server, 'POST', '/v2/corpora', { key: server.ownerKey, contentType: 'application/json', payload });
        expectError(res, 400, 'BadRequestError');
      }
    });

    it('wrong types are a 400 with field_errors naming the field', async () => {
      expectFieldError(await owner.post('/v2/corpora', { key: 123 }), 'key');
      expectFieldError(await owner.post('/v2/corpora', { key: 'typed', save_history: 'yes' }), 'save_history');
      expectFieldError(await owner.post('/v2/api_keys', { name: 5, api_key_role: 'personal' }), 'name');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'n', api_key_role: 'serving', corpus_keys: 'docs' }), 'corpus_keys');
      expectFieldError(await owner.post('/v2/users', { email: 'a@example.com', api_roles: 'owner' }), 'api_roles');
      expectFieldError(await owner.post('/v2/corpora', { key: 'nested', filter_attributes: [{ name: 'x', level: 'doc', type: 'text' }] }), 'filter_attributes.0.level');
      const key = await createKey(owner, 'serving', ['docs']);
      expectFieldError(await owner.patch(`/v2/api_keys/${key.id}`, { enabled: 'false' }), 'enabled');
      // The failed PATCH changed nothing.
      expect((await owner.get(`/v2/api_keys/${key.id}`)).body.enabled).toBe(true);
    });

    it('a missing required field is a 400 naming it', async () => {
      expectFieldError(await owner.post('/v2/corpora', {}), 'key');
      expectFieldError(await owner.post('/v2/api_keys', { name: 'n' }), 'api_key_role');
      expectFieldError(await owner.post('/v2/users', { username: 'u' }), 'email');
      expectFieldError(await owner.post('/v2/app_clients', { type: 'client_credentials' }), 'name');
    });

    it('every problem of a body is reported, not just the first', async () => {
      const res = await owner.post('/v2/api_keys', { name: 5, api_key_role: 'nope' });
      expectFieldError(res, 'name');
      expect(Object.keys(res.body.field_errors)).toContain('api_key_role');
    });

    it('an unknown enum value is a 400 naming the field', async () => {
      const res = await owner.post('/v2/api_keys', { name: 'n', api_key_role: 'superuser' });
      expectFieldError(res, 'api_key_role');
      expect(res.body.field_errors.api_key_role).toMatch(/personal/);
    });

    it('unknown body fields are ignored', async () => {
      const res = await owner.post('/v2/corpora', { key: 'lenient', frobnicate: true, nested: { anything: [1, 2] } });
      expectOk(res, 'createCorpus', 201);
      expect(res.body).not.toHaveProperty('frobnicate');
      expectOk(await owner.post('/v2/api_keys', { name: 'n', api_key_role: 'serving', corpus_keys: ['docs'], extra: 1 }), 'createApiKey', 201);
    });

    it('a content type other than JSON on a JSON operation is a 415', async () => {
      for (const contentType of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
        const res = await raw(server, 'POST', '/v2/corpora', { key: server.ownerKey, contentType, payload: '{"key":"typed-wrong"}' });
        expectError(res, 415);
      }
      expectError(await owner.get('/v2/corpora/typed-wrong'), 404, 'NotFoundError');
    });

    it('JSON with a charset parameter is fine', async () => {
      const res = await raw(server, 'POST', '/v2/corpora', {
        key: server.ownerKey,
        contentType: 'application/json; charset=utf-8',
        payload: '{"key":"charset"}',
      });
      expect(res.status, res.text).toBe(201);
    });
  });

  describe('bodies over the limit', () => {
    let small: TestServer;

    beforeAll(async () => {
      small = await startTestApp({ body_limit_bytes: 2048 });
    });

    afterAll(async () => {
      await small?.close();
    });

    it('a JSON body over body_limit_bytes is a 413 with an Error body', async () => {
      const res = await raw(small, 'POST', '/v2/corpora', {
        key: small.ownerKey,
        contentType: 'application/json',
        payload: JSON.stringify({ key: 'big', description: 'x'.repeat(4000) }),
      });
      expectError(res, 413);
      const under = await raw(small, 'POST', '/v2/corpora', {
        key: small.ownerKey,
        contentType: 'application/json',
        payload: JSON.stringify({ key: 'small', description: 'x'.repeat(1000) }),
      });
      expect(under.status, under.text).toBe(201);
    });

    it('a form body over body_limit_bytes is a 413 too', async () => {
      const res = await raw(small, 'POST', '/oauth2/token', {
        contentType: 'application/x-www-form-urlencoded',
        payload: `grant_type=client_credentials&client_id=x&client_secret=${'y'.repeat(4000)}`,
      });
      expectError(res, 413);
    });
  });

  describe('paging parameters', () => {
    it('a garbage page_key is a 400 naming page_key', async () => {
      for (const pageKey of ['garbage', '!!!', Buffer.from('{"l":"api_keys","a":-1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
        expectFieldError(await owner.get(`/v2/api_keys?page_key=${encodeURIComponent(pageKey)}`), 'page_key');
      }
      expectFieldError(await owner.get(`/v2/corpora?page_key=${'a'.repeat(2000)}`), 'page_key');
    });

    it('a page key from another list is a 400 naming page_key', async () => {
      await createCorpus(owner, 'paging-a');
      await createCorpus(owner, 'paging-b');
      const corpora = await owner.get('/v2/corpora?limit=1');
      const pageKey = corpora.body.metadata.page_key as string;
      expect(pageKey).toBeTypeOf('string');
      // The key works on its own list...
      expectOk(await owner.get(`/v2/corpora?limit=1&page_key=${encodeURIComponent(pageKey)}`), 'listCorpora', 200);
      // ...and nowhere else.
      for (const list of ['/v2/api_keys', '/v2/users', '/v2/app_clients']) {
        expectFieldError(await owner.get(`${list}?page_key=${encodeURIComponent(pageKey)}`), 'page_key');
      }
    });

    it('limit must be an integer from 1 to 100', async () => {
      for (const list of ['/v2/corpora', '/v2/api_keys', '/v2/users', '/v2/app_clients']) {
        for (const limit of ['0', '101', '-1', '1.5', 'ten']) {
          expectFieldError(await owner.get(`${list}?limit=${limit}`), 'limit');
        }
        expect((await owner.get(`${list}?limit=1`)).status).toBe(200);
        expect((await owner.get(`${list}?limit=100`)).status).toBe(200);
      }
    });
  });

  describe('routes', () => {
    it('an unknown route is a 404 with an Error body', async () => {
      for (const res of [
        await owner.get('/v2/no-such-route'),
        await anon.get('/nothing/here'),
        await owner.post('/v2/corpora/docs/not-an-action', {}),
        await owner.call('PUT', '/v2/corpora', {}),
      ]) {
        expectError(res, 404);
      }
    });

    it('every operation of the catalogue is built: none answers 501', async () => {
      const seen: string[] = [];
      for (const [id, method, path] of OPERATIONS) {
        const url = path.replace(/:([a-z_]+)/g, (_, name: string) => (name === 'corpus_key' ? 'never_created' : `${name}_x`));
        const res = await owner.call(method as 'GET', url, method === 'GET' || method === 'DELETE' ? undefined : {});
        if (res.status === 501) seen.push(id);
      }
      expect(seen).toEqual([]);
    });
  });
});
