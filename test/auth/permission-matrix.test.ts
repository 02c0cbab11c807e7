import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaProblems, specOperations } from '../helpers/spec.js';
import { CREDENTIALS, expected, outcomeLabel, type Expected } from './matrix/credentials.js';
import { CORPUS_A, CORPUS_A_SPARE, CORPUS_B, FIXTURES, type Ctx, type Req } from './matrix/fixtures.js';
import { isPublic, SEED_TABLE, seedRow } from './matrix/seed-table.js';
import { ctxFor, send, setUpWorld, tearDownWorld, world, type Res } from './matrix/world.js';

/**
 * The permission matrix: every operation of the spec × every kind of credential, each cell its own
 * test. The expectations are derived here and in ./matrix/, independently of src/auth/policy.ts, from
 *   - the seed's endpoint table ("Allowed Key Types"), transcribed as written in ./matrix/seed-table.ts, and
 *   - PRODUCT.md's documented reading of it ("Credentials and permissions"):
 *       keys nest (IndexService may do whatever QueryService may, Personal whatever IndexService may);
 *       IndexService keys may also add, upload, update and delete documents in their own corpora;
 *       401 = no credential that authenticates; 403 = authenticated but not allowed, naming what is missing;
 *       users and app clients act within their roles (a principal without roles may do nothing but
 *       list the corpora it can see, which are none).
 * The operations are enumerated from the spec, so an operation added there cannot be skipped: it
 * fails here until it has a row in SEED_TABLE and a fixture in FIXTURES.
 *
 * The credentials and their expected outcomes are in ./matrix/credentials.ts, the fixtures in
 * ./matrix/fixtures.ts, and the app they run against in ./matrix/world.ts; this file holds the
 * matrix itself.
 */

beforeAll(setUpWorld);

afterAll(tearDownWorld);

// ---------------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------------

const OPS = specOperations();
const GOVERNED = OPS.filter((op) => !isPublic(op));
const PUBLIC = OPS.filter(isPublic);

describe('the matrix covers the seed', () => {
  it('the spec has the 62 operations of the seed table, and each has a fixture', () => {
    expect(SEED_TABLE).toHaveLength(62);
    expect(OPS).toHaveLength(62);
    const missingRows = OPS.filter((op) => !seedRow(op)).map((op) => `${op.method} ${op.path}`);
    expect(missingRows, 'spec operations without a row of the seed table').toEqual([]);
    const stray = SEED_TABLE.filter(([m, p]) => !OPS.some((op) => op.method === m && op.path === p));
    expect(stray, 'seed rows without a spec operation').toEqual([]);
    const noFixture = GOVERNED.filter((op) => !FIXTURES[op.operationId]).map((op) => op.operationId);
    expect(noFixture, 'operations without a fixture').toEqual([]);
  });

  it('the only public operation is the token endpoint', () => {
    expect(PUBLIC.map((op) => `${op.method} ${op.path}`)).toEqual(['POST /oauth/token']);
  });

  it('the expired token is rejected as expired (not as otherwise invalid)', async () => {
    const res = await send({ method: 'GET', url: '/v2/corpora' }, world.headers.expired);
    expect(res.status).toBe(401);
    expect(res.body.messages.join(' ')).toMatch(/expired/i);
  });
});

function assertOutcome(res: Res, exp: Expected, req: Req, ctx: Ctx): void {
  const seen = `${req.method} ${req.url} → ${res.status} ${JSON.stringify(res.body)}`;
  if (exp.outcome === 'allowed') {
    expect(res.status, seen).not.toBe(401);
    expect(res.status, seen).not.toBe(403);
    expect(res.status === 501 || res.status < 500, `no server error: ${seen}`).toBe(true);
    if (res.status !== 501 && req.ok) expect(req.ok, seen).toContain(res.status);
    return;
  }
  expect(res.status, seen).toBe(exp.outcome);
  expect(schemaProblems('Error', res.body), seen).toEqual([]);
  expect(Array.isArray(res.body?.messages) && res.body.messages.length > 0, `messages: ${seen}`).toBe(true);
  expect(typeof res.body.request_id, `request_id: ${seen}`).toBe('string');
  const message = res.body.messages.join(' ');
  expect(message.trim(), seen).not.toBe('');
  if (exp.outcome === 401) {
    expect(res.headers['www-authenticate'], `WWW-Authenticate on 401: ${seen}`).toBeTruthy();
    return;
  }
  // 403: the message names what is missing.
  if (exp.reason === 'key-type') {
    if (exp.need === 'index') expect(message, seen).toMatch(/IndexService/);
    expect(message, seen).toMatch(/Personal/);
  } else if (exp.reason === 'corpus') {
    expect(message, seen).toContain(ctx.corpus);
  } else {
    expect(message, seen).toMatch(/role/i);
  }
}

describe.each(GOVERNED.map((op) => [op.operationId, op] as const))('%s', (_id, op) => {
  // Tuples with '%s' rather than objects with '$name': vitest truncates interpolated object fields.
  const cells = CREDENTIALS.map((cred) => {
    const exp = expected(op, cred);
    return [`${op.operationId} × ${cred.label} → ${outcomeLabel(exp)}`, cred, exp] as const;
  });

  it.each(cells)('%s', async (_name, cred, exp) => {
    const fixture = FIXTURES[op.operationId];
    if (!fixture) throw new Error(`no fixture for ${op.operationId}`);
    const ctx = ctxFor(cred);
    const req = await fixture(ctx);
    const res = await send(req, world.headers[cred.kind]);
    assertOutcome(res, exp, req, ctx);

    // "A serving key listing corpora sees only its own"; a principal without roles sees none.
    if (op.operationId === 'listCorpora' && res.status === 200) {
      const keys = (res.body.corpora as Array<{ key: string }>).map((c) => c.key);
      if (cred.class === 'bound') expect(keys.sort()).toEqual([CORPUS_A, CORPUS_A_SPARE].sort());
      if (cred.roles === 'none') expect(keys).toEqual([]);
      if (cred.roles === 'all') expect(keys).toEqual(expect.arrayContaining([CORPUS_A, CORPUS_B]));
    }
    // Corpus keys are made for browsers: reading app clients must never hand them a client secret,
    // which would turn a QueryService key into the client's (here: administrator) roles.
    if ((op.operationId === 'getAppClient' || op.operationId === 'listAppClient') && res.status === 200 && cred.class === 'bound') {
      const clients = op.operationId === 'getAppClient' ? [res.body] : (res.body.app_clients as unknown[]);
      for (const c of clients) expect(c).not.toHaveProperty('client_secret');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The token endpoint: public, it authenticates the app client by the credentials in its body.
// ---------------------------------------------------------------------------------------------

describe.each(PUBLIC.map((op) => [op.operationId, op] as const))('%s (public)', (_id, op) => {
  const url = op.path;

  it.each(CREDENTIALS.map((cred) => [`${op.operationId} × ${cred.label} + valid client credentials → 200`, cred] as const))(
    '%s',
    async (_name, cred) => {
      const res = await send(
        { method: 'POST', url, body: { grant_type: 'client_credentials', ...world.tokenClient } },
        world.headers[cred.kind],
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(typeof res.body.access_token).toBe('string');
      expect(res.body.token_type).toMatch(/^bearer$/i);
    },
  );

  it.each(CREDENTIALS.map((cred) => [`${op.operationId} × ${cred.label}, no client credentials → 401 invalid_client`, cred] as const))(
    '%s',
    async (_name, cred) => {
      const res = await send({ method: 'POST', url, body: { grant_type: 'client_credentials' } }, world.headers[cred.kind]);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(schemaProblems('Error', res.body)).toEqual([]);
      expect(res.body.messages.length).toBeGreaterThan(0);
    },
  );

  it(`${op.operationId} with a wrong client secret → 401 invalid_client`, async () => {
    const res = await send(
      { method: 'POST', url, body: { grant_type: 'client_credentials', client_id: world.tokenClient.client_id, client_secret: 'nope' } },
      {},
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it(`${op.operationId} without grant_type → 400 with an OAuth error code`, async () => {
    const res = await send({ method: 'POST', url, body: { ...world.tokenClient } }, {});
    expect(res.status).toBe(400);
    expect(['invalid_request', 'unsupported_grant_type']).toContain(res.body.error);
  });

  it(`${op.operationId}: the token it issues works (client without roles: may list corpora, sees none)`, async () => {
    const token = await send({ method: 'POST', url, body: { grant_type: 'client_credentials', ...world.tokenClient } }, {});
    const res = await send({ method: 'GET', url: '/v2/corpora' }, { authorization: `Bearer ${token.body.access_token}` });
    expect(res.status).toBe(200);
    expect(res.body.corpora).toEqual([]);
  });
});
