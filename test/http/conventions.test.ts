import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { schemaProblems } from '../helpers/spec.js';
import { OPERATIONS } from '../../src/http/operations.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, type Client, type Res } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw request: exact payload bytes and headers, for the malformed cases the JSON client cannot send. */
async function raw(
  server: TestServer,
  method: Method,
  url: string,
  opts: { payload?: string | Buffer; contentType?: string; key?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const res = await server.app.inject({
    method,
    url,
    headers: {
      ...(opts.key ? { 'x-api-key': opts.key } : {}),
      ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      ...opts.headers,
    },
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  });
  let body: any;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

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

  describe('never a 500', () => {
    const RAW_BODIES: Array<[string, string]> = [
      ['application/json', ''],
      ['application/json', 'null'],
      ['application/json', 'true'],
      ['application/json', '0'],
      ['application/json', '-1e309'],
      ['application/json', '"text"'],
      ['application/json', '[]'],
      ['application/json', '[{}]'],
      ['application/json', '{}'],
      ['application/json', '{'],
      ['application/json', '}'],
      ['application/json', '{"a":}'],
      ['application/json', '{"__proto__":{"polluted":true}}'],
      ['application/json', '{"constructor":{"prototype":{"polluted":true}}}'],
      ['application/json', '['.repeat(3000) + ']'.repeat(3000)],
      ['application/json', '\u0000\u0001\u0002'],
      ['application/json', '\uFEFF{}'],
      ['application/json; charset=latin1', '{}'],
      ['application/json; charset=utf-16', '{}'],
      ['application/x-www-form-urlencoded', 'a=1&b[c]=2&b[c]=3'],
      ['application/x-www-form-urlencoded', '%%%'],
      ['application/x-www-form-urlencoded', 'grant_type=client_credentials&client_id=&client_secret='],
      ['text/plain', 'hello'],
      ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--zz--'],
      ['application/xml', '<a/>'],
      ['', '{}'],
    ];

    const JSON_BODIES: unknown[] = [
      {
        name: {},
        key: [],
        email: 1,
        username: null,
        api_key_role: {},
        corpus_keys: 'docs',
        api_roles: 'owner',
        corpus_roles: [null],
        enabled: 'yes',
        description: 5,
        type: null,
        grant_type: [],
        client_id: {},
        client_secret: 1,
      },
      { name: 'x'.repeat(100_000), key: 'k'.repeat(100_000), email: `${'e'.repeat(100_000)}@example.com` },
      { name: '\u0000', key: '\ud800', email: '\ud800@example.com', description: '\u0000' },
      { name: 'n', api_key_role: 'serving', corpus_keys: Array.from({ length: 2000 }, (_, i) => `c${i}`) },
      { name: 'n', api_key_role: 'serving', corpus_keys: [null, 1, {}] },
      { email: 'x@example.com', corpus_roles: [{ corpus_key: 'k'.repeat(300), role: 'viewer' }, { corpus_key: 'docs' }] },
      { email: 'x@example.com', corpus_roles: [{ corpus_key: 'docs', role: 'viewer' }, { corpus_key: 'docs', role: 'editor' }] },
      { email: 'x@example.com', api_roles: ['owner', 'owner', 'administrator'] },
      { key: 'fuzz', filter_attributes: [{ name: 'a', level: 'document', type: 'text' }, null], custom_dimensions: 'x' },
      { key: 'fuzz2', encoder_id: 'enc_1', encoder_name: null },
      { grant_type: 'client_credentials', client_id: 'x'.repeat(10_000), client_secret: 'y'.repeat(10_000) },
      { grant_type: 'client_credentials', client_id: { $ne: null }, client_secret: { $gt: '' } },
      { enabled: null, description: null, api_roles: null, corpus_roles: null },
      { type: 'client_credentials', name: 'fuzz', api_roles: [] },
    ];

    /** What is wrong with a response that should be a clean 2xx or 4xx; empty when nothing is. */
    function serverProblems(res: Res, label: string): string[] {
      const out: string[] = [];
      if (res.status >= 500) out.push(`${label} → ${res.status} ${res.text.slice(0, 200)}`);
      if (!res.headers['x-request-id']) out.push(`${label} → ${res.status} without x-request-id`);
      if (res.status >= 400) {
        const problems = schemaProblems('Error', res.body);
        if (problems.length || !Array.isArray(res.body?.messages)) out.push(`${label} → ${res.status} not an Error body: ${res.text.slice(0, 200)}`);
        else if (res.body.request_id !== res.headers['x-request-id']) out.push(`${label} → request_id differs from the header`);
      }
      return out;
    }

    it('assorted malformed bodies to every built POST and PATCH operation answer 4xx or 2xx', async () => {
      // Targets of their own, so that whatever a fuzz body manages to change harms nothing else.
      const key = await createKey(owner, 'serving', ['docs'], 'fuzz target');
      const userRes = await owner.post('/v2/users', { email: 'target@example.com', username: 'target' });
      expect(userRes.status).toBe(201);
      const app = await owner.post('/v2/app_clients', { type: 'client_credentials', name: 'fuzz target' });
      expect(app.status).toBe(201);

      const ops: Array<[Method, string]> = [
        ['POST', '/v2/corpora'],
        ['POST', '/v2/api_keys'],
        ['PATCH', `/v2/api_keys/${key.id}`],
        ['POST', '/v2/users'],
        ['PATCH', '/v2/users/target'],
        ['POST', '/v2/users/target/reset_password'],
        ['POST', '/v2/app_clients'],
        ['PATCH', `/v2/app_clients/${app.body.id}`],
        ['POST', '/oauth/token'],
        ['POST', '/oauth2/token'],
        ['POST', '/v2/corpora/docs/query'],
        ['POST', '/v2/query'],
        ['POST', '/v2/corpora/docs/upload_file'],
        ['POST', '/quarry/session'],
        ['POST', '/quarry/users/target/password'],
      ];

      let sent = 0;
      const problems: string[] = [];
      for (const [method, url] of ops) {
        for (const [contentType, payload] of RAW_BODIES) {
          const res = await raw(server, method, url, { key: server.ownerKey, contentType: contentType || undefined, payload });
          problems.push(...serverProblems(res, `${method} ${url} [${contentType}] ${JSON.stringify(payload.slice(0, 40))}`));
          sent++;
        }
        for (const body of JSON_BODIES) {
          const res = await raw(server, method, url, { key: server.ownerKey, contentType: 'application/json', payload: JSON.stringify(body) });
          problems.push(...serverProblems(res, `${method} ${url} ${JSON.stringify(body).slice(0, 80)}`));
          sent++;
        }
        const none = await raw(server, method, url, { key: server.ownerKey });
        problems.push(...serverProblems(none, `${method} ${url} without a body`));
      }
      expect(problems).toEqual([]);
      expect(sent).toBe(ops.length * (RAW_BODIES.length + JSON_BODIES.length));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      // The owner is still in charge after all that.
      expect((await owner.get('/v2/users/owner')).body.enabled).toBe(true);
    });

    it('assorted malformed paths and query strings answer 4xx', async () => {
      const urls = [
        '/v2/corpora?limit=',
        '/v2/corpora?limit[]=1',
        '/v2/corpora?limit=1&limit=2',
        '/v2/corpora?filter=%E0%A4%A',
        '/v2/corpora?filter=' + encodeURIComponent('(a+)+$'),
        '/v2/corpora?corpus_id=',
        '/v2/corpora?corpus_id=crp_99999999999999999999999',
        '/v2/corpora?page_key=%00',
        '/v2/corpora/%00',
        '/v2/corpora/' + 'k'.repeat(300),
        '/v2/corpora/%E0%A4%A',
        '/v2/api_keys/' + 'x'.repeat(300),
        '/v2/api_keys/%20',
        '/v2/users/%2F..%2F..',
        '/v2/users/' + encodeURIComponent('a'.repeat(1000)),
        '/v2/app_clients/%00',
        '/v2/api_keys?corpus_key=' + encodeURIComponent('bad key'),
        '/v2/users?corpus_key=' + encodeURIComponent('bad key'),
        '/v2/app_clients?filter=' + encodeURIComponent('('),
      ];
      const problems: string[] = [];
      for (const url of urls) {
        const res = await raw(server, 'GET', url, { key: server.ownerKey });
        problems.push(...serverProblems(res, `GET ${url.slice(0, 60)}`));
      }
      for (const url of ['/v2/corpora/%00', '/v2/api_keys/%00', '/v2/users/%00', '/v2/app_clients/%00', '/v2/corpora/%E0%A4%A']) {
        problems.push(...serverProblems(await raw(server, 'DELETE', url, { key: server.ownerKey }), `DELETE ${url}`));
      }
      expect(problems).toEqual([]);
    });

    it('assorted malformed credentials answer 401', async () => {
      const headers: Array<Record<string, string>> = [
        { 'x-api-key': '' },
        { 'x-api-key': 'zut_' },
        { 'x-api-key': 'zut_' + 'a'.repeat(500) },
        { 'x-api-key': 'zqt_' + '\u00e9'.repeat(30) },
        { authorization: '' },
        { authorization: 'Bearer' },
        { authorization: 'Bearer ' },
        { authorization: 'Bearer a.b' },
        { authorization: 'Bearer ' + 'a'.repeat(5000) + '.b.c' },
        { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHBfeCJ9.' },
        { authorization: 'Basic !!!' },
        { authorization: 'Digest x' },
      ];
      for (const h of headers) {
        const res = await raw(server, 'GET', '/v2/corpora', { headers: h });
        expect(res.status, JSON.stringify(h).slice(0, 80)).toBe(401);
        expect(schemaProblems('Error', res.body)).toEqual([]);
      }
    });
  });
});
