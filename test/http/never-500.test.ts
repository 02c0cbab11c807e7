/**
 * Never a 500: malformed bodies, odd content types, hostile JSON and broken credentials on every
 * operation get a 4xx with the spec's error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { schemaProblems } from '../helpers/spec.js';
import { createCorpus, createKey, raw, type Client, type Method, type Res } from './support.js';

describe('never a 500', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'docs');
  });

  afterAll(async () => {
    await server?.close();
  });

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
