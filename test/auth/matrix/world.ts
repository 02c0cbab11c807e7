/**
 * The permission matrix's world (see ../permission-matrix.test.ts): one app, its corpora and
 * credentials, built once by `setUpWorld` (the test file's beforeAll) and closed by
 * `tearDownWorld` (its afterAll); `world` is a live binding, set by `setUpWorld`.
 */
import { vi } from 'vitest';
import { startTestApp, type TestServer } from '../../helpers/app.js';
import type { Credential, CredentialKind } from './credentials.js';
import { CORPUS_A, CORPUS_A_SPARE, CORPUS_B, type Ctx, type Req } from './fixtures.js';

export interface World {
  server: TestServer;
  headers: Record<CredentialKind, Record<string, string>>;
  readableUser: string;
  readableKeyId: string;
  readableAppClientId: string;
  /** An app client without roles, whose credentials the token endpoint cells use. */
  tokenClient: { client_id: string; client_secret: string };
}

export let world: World;
let counter = 0;
const unique = (prefix: string) => `m-${prefix}-${++counter}`;

export interface Res {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

export async function send(req: Req, headers: Record<string, string>): Promise<Res> {
  const res = await world.server.app.inject({
    method: req.method,
    url: req.url,
    headers: {
      ...headers,
      ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(req.raw ? { 'content-type': req.raw.contentType } : {}),
    },
    ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
    ...(req.raw ? { payload: req.raw.payload } : {}),
  });
  let body: any;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers };
}

/** A request as the owner, which must succeed: fixtures are built with it. */
async function asOwner(req: Req, expectStatus: number): Promise<any> {
  const res = await send(req, { 'x-api-key': world.server.ownerKey });
  if (res.status !== expectStatus) {
    throw new Error(`fixture ${req.method} ${req.url} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

const createCorpus = (key: string) => asOwner({ method: 'POST', url: '/v2/corpora', body: { key } }, 201);
const createKey = (body: unknown) => asOwner({ method: 'POST', url: '/v2/api_keys', body }, 201);
const createAppClient = (name: string, api_roles: string[]) =>
  asOwner({ method: 'POST', url: '/v2/app_clients', body: { type: 'client_credentials', name, api_roles } }, 201);
const tokenFor = async (client: { client_id: string; client_secret: string }): Promise<string> =>
  (await asOwner(
    { method: 'POST', url: '/oauth/token', body: { grant_type: 'client_credentials', ...pick(client) } },
    200,
  )).access_token;
const pick = (c: { client_id: string; client_secret: string }) => ({ client_id: c.client_id, client_secret: c.client_secret });

/**
 * A personal key for another user. No API operation creates one (a personal key belongs to the
 * user who creates it), so the fixture uses the service acting as that user, as first start does.
 */
async function personalKeyOf(username: string): Promise<string> {
  const { users, apiKeys } = world.server.app.services;
  const user = await users.require(username);
  const key = await apiKeys.create(
    { kind: 'api_key', keyId: 'matrix-fixture', keyRole: 'personal', user, corpusIds: [] },
    { name: `${username} personal key`, api_key_role: 'personal' },
  );
  return key.secret_key!;
}

export function ctxFor(cred: Credential): Ctx {
  const corpus = cred.class === 'bound' && cred.target === 'other' ? CORPUS_B : CORPUS_A;
  return {
    corpus,
    world,
    unique,
    async doomedCorpus() {
      if (cred.class === 'bound' && cred.target === 'own') return CORPUS_A_SPARE;
      const key = unique('doomed');
      await createCorpus(key);
      return key;
    },
    async scratchUser() {
      return (await asOwner({ method: 'POST', url: '/v2/users', body: { email: `${unique('scratch')}@example.com` } }, 201))
        .username;
    },
    async scratchApiKey() {
      return (await createKey({ name: unique('scratch'), api_key_role: 'serving', corpus_keys: [CORPUS_B] })).id;
    },
    async scratchAppClient() {
      return (await createAppClient(unique('scratch'), [])).id;
    },
  };
}

/** Builds the world; the test file runs it in beforeAll. */
export async function setUpWorld(): Promise<void> {
  const server = await startTestApp();
  world = { server } as World;
  const owner = { 'x-api-key': server.ownerKey };

  for (const key of [CORPUS_A, CORPUS_B, CORPUS_A_SPARE]) await createCorpus(key);
  const zqt = await createKey({ name: 'matrix zqt', api_key_role: 'serving', corpus_keys: [CORPUS_A, CORPUS_A_SPARE] });
  const zwt = await createKey({ name: 'matrix zwt', api_key_role: 'serving_and_indexing', corpus_keys: [CORPUS_A, CORPUS_A_SPARE] });

  // Disabled and deleted keys: personal keys of the owner, which would otherwise be allowed everywhere.
  const disabled = await createKey({ name: 'matrix disabled', api_key_role: 'personal' });
  await asOwner({ method: 'PATCH', url: `/v2/api_keys/${disabled.id}`, body: { enabled: false } }, 200);
  const deleted = await createKey({ name: 'matrix deleted', api_key_role: 'personal' });
  await asOwner({ method: 'DELETE', url: `/v2/api_keys/${deleted.id}` }, 204);

  // A user without roles, and its personal key.
  const noRoles = await asOwner(
    { method: 'POST', url: '/v2/users', body: { email: 'no-roles@example.com', username: 'matrix-no-roles', api_roles: [] } },
    201,
  );
  const noRolesKey = await personalKeyOf(noRoles.username);

  // An administrator whose user is then disabled: its personal key must stop working at once.
  const disabledUser = await asOwner(
    { method: 'POST', url: '/v2/users', body: { email: 'disabled-admin@example.com', api_roles: ['administrator'] } },
    201,
  );
  const disabledUserKey = await personalKeyOf(disabledUser.username);
  await asOwner({ method: 'PATCH', url: `/v2/users/${disabledUser.username}`, body: { enabled: false } }, 200);

  const adminClient = await createAppClient('matrix admin client', ['administrator']);
  const noRolesClient = await createAppClient('matrix client without roles', []);
  const adminToken = await tokenFor(adminClient);
  const noRolesToken = await tokenFor(noRolesClient);
  const goneClient = await createAppClient('matrix deleted admin client', ['administrator']);
  const goneClientToken = await tokenFor(goneClient);
  await asOwner({ method: 'DELETE', url: `/v2/app_clients/${goneClient.id}` }, 204);

  // An expired token of the administrator client: issued two hours ago (tokens live 30 minutes),
  // so expiry is the only thing wrong with it. Only Date is faked; timers keep running.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - 2 * 60 * 60 * 1000);
  let expiredToken: string;
  try {
    expiredToken = await tokenFor(adminClient);
  } finally {
    vi.useRealTimers();
  }

  world.headers = {
    none: {},
    malformed: { 'x-api-key': 'hello' },
    unknown: { 'x-api-key': 'zqt_' + 'N'.repeat(40) },
    disabled: { 'x-api-key': disabled.secret_key },
    deleted: { 'x-api-key': deleted.secret_key },
    expired: { authorization: `Bearer ${expiredToken}` },
    user_disabled: { 'x-api-key': disabledUserKey },
    client_deleted: { authorization: `Bearer ${goneClientToken}` },
    zqt_own: { 'x-api-key': zqt.secret_key },
    zqt_other: { 'x-api-key': zqt.secret_key },
    zwt_own: { 'x-api-key': zwt.secret_key },
    zwt_other: { 'x-api-key': zwt.secret_key },
    zut_owner: owner,
    zut_owner_bearer: { authorization: `Bearer ${server.ownerKey}` },
    zut_no_roles: { 'x-api-key': noRolesKey },
    oauth_admin: { authorization: `Bearer ${adminToken}` },
    oauth_no_roles: { authorization: `Bearer ${noRolesToken}` },
  };
  world.readableUser = noRoles.username;
  world.readableKeyId = zqt.id;
  world.readableAppClientId = adminClient.id;
  world.tokenClient = pick(noRolesClient);
}

/** Closes the world's app; the test file runs it in afterAll. */
export async function tearDownWorld(): Promise<void> {
  await world?.server.close();
}
