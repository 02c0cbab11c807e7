import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestServer } from '../helpers/app.js';
import { schemaProblems, specOperations, type SpecOperation } from '../helpers/spec.js';

/**
 * The permission matrix: every operation of the spec × every kind of credential, each cell its own
 * test. The expectations are derived here, independently of src/auth/policy.ts, from
 *   - the seed's endpoint table ("Allowed Key Types"), transcribed below as written, and
 *   - PRODUCT.md's documented reading of it ("Credentials and permissions"):
 *       keys nest (IndexService may do whatever QueryService may, Personal whatever IndexService may);
 *       IndexService keys may also add, upload, update and delete documents in their own corpora;
 *       401 = no credential that authenticates; 403 = authenticated but not allowed, naming what is missing;
 *       users and app clients act within their roles (a principal without roles may do nothing but
 *       list the corpora it can see, which are none).
 * The operations are enumerated from the spec, so an operation added there cannot be skipped: it
 * fails here until it has a row in SEED_TABLE and a fixture in FIXTURES.
 */

// ---------------------------------------------------------------------------------------------
// The seed's endpoint table, transcribed: method, path, allowed key types.
// ---------------------------------------------------------------------------------------------

const QP = 'QueryService Key, Personal Key';
const IP = 'IndexService Key, Personal Key';
const P = 'Personal Key';

const SEED_TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['POST', '/v2/corpora', P],
  ['GET', '/v2/corpora', QP],
  ['GET', '/v2/corpora/{corpus_key}', QP],
  ['DELETE', '/v2/corpora/{corpus_key}', P],
  ['PATCH', '/v2/corpora/{corpus_key}', P],
  ['POST', '/v2/corpora/{corpus_key}/reset', P],
  ['POST', '/v2/corpora/{corpus_key}/replace_filter_attributes', P],
  ['POST', '/v2/corpora/{corpus_key}/compute_size', P],
  ['POST', '/v2/corpora/{corpus_key}/upload_file', P],
  ['POST', '/v2/corpora/{corpus_key}/documents', P],
  ['GET', '/v2/corpora/{corpus_key}/documents', QP],
  ['DELETE', '/v2/corpora/{corpus_key}/documents/{document_id}', P],
  ['GET', '/v2/corpora/{corpus_key}/documents/{document_id}', QP],
  ['PATCH', '/v2/corpora/{corpus_key}/documents/{document_id}', P],
  ['PUT', '/v2/corpora/{corpus_key}/documents/{document_id}/metadata', IP],
  ['POST', '/v2/corpora/{corpus_key}/documents/{document_id}/summarize', P],
  ['GET', '/v2/corpora/{corpus_key}/query', QP],
  ['POST', '/v2/corpora/{corpus_key}/query', QP],
  ['POST', '/v2/query', QP],
  ['GET', '/v2/queries/{query_id}', QP],
  ['GET', '/v2/queries', QP],
  ['POST', '/v2/chats', IP],
  ['GET', '/v2/chats', QP],
  ['GET', '/v2/chats/{chat_id}', QP],
  ['DELETE', '/v2/chats/{chat_id}', P],
  ['POST', '/v2/chats/{chat_id}/turns', IP],
  ['GET', '/v2/chats/{chat_id}/turns', QP],
  ['GET', '/v2/chats/{chat_id}/turns/{turn_id}', QP],
  ['DELETE', '/v2/chats/{chat_id}/turns/{turn_id}', P],
  ['PATCH', '/v2/chats/{chat_id}/turns/{turn_id}', IP],
  ['POST', '/v2/llms', IP],
  ['GET', '/v2/llms', QP],
  ['GET', '/v2/llms/{llm_id}', QP],
  ['DELETE', '/v2/llms/{llm_id}', P],
  ['POST', '/v2/llms/chat/completions', IP],
  ['GET', '/v2/generation_presets', QP],
  ['POST', '/v2/evaluate_factual_consistency', P],
  ['POST', '/v2/encoders', IP],
  ['GET', '/v2/encoders', QP],
  ['GET', '/v2/rerankers', QP],
  ['GET', '/v2/table_extractors', QP],
  ['GET', '/v2/hallucination_correctors', QP],
  ['POST', '/v2/hallucination_correctors/correct_hallucinations', P],
  ['GET', '/v2/jobs', QP],
  ['GET', '/v2/jobs/{job_id}', QP],
  ['POST', '/v2/users', P],
  ['GET', '/v2/users', P],
  ['GET', '/v2/users/{username}', P],
  ['PATCH', '/v2/users/{username}', P],
  ['DELETE', '/v2/users/{username}', P],
  ['POST', '/v2/users/{username}/reset_password', P],
  ['POST', '/v2/api_keys', P],
  ['GET', '/v2/api_keys', P],
  ['GET', '/v2/api_keys/{api_key_id}', P],
  ['PATCH', '/v2/api_keys/{api_key_id}', P],
  ['DELETE', '/v2/api_keys/{api_key_id}', P],
  ['POST', '/v2/app_clients', IP],
  ['GET', '/v2/app_clients', QP],
  ['GET', '/v2/app_clients/{app_client_id}', QP],
  ['PATCH', '/v2/app_clients/{app_client_id}', IP],
  ['DELETE', '/v2/app_clients/{app_client_id}', P],
  // Listed as "Personal Key" in the seed, but the spec marks it public (`security: []`): it
  // authenticates the app client by the credentials in its body. Asserted separately below.
  ['POST', '/oauth/token', P],
];

type KeyType = 'query' | 'index' | 'personal';
const RANK: Record<KeyType, number> = { query: 1, index: 2, personal: 3 };

/** The narrowest key type a row of the seed allows (keys nest, so wider ones are allowed too). */
function narrowestOf(allowed: string): KeyType {
  if (allowed.includes('QueryService')) return 'query';
  if (allowed.includes('IndexService')) return 'index';
  return 'personal';
}

/** PRODUCT.md: "zwt_ keys may also add, upload, update and delete documents in their own corpora". */
const INDEX_WRITES = new Set([
  'uploadFile', 'createCorpusDocument', 'deleteCorpusDocument', 'updateCorpusDocument', 'replaceCorpusDocumentMetadata',
]);

/** Corpus-scoped through `search.corpora[].corpus_key` in the body. */
const BODY_SCOPED = new Set(['POST /v2/query', 'POST /v2/chats', 'POST /v2/chats/{chat_id}/turns']);

function seedRow(op: SpecOperation): readonly [string, string, string] | undefined {
  return SEED_TABLE.find(([m, p]) => m === op.method && p === op.path);
}

function neededKey(op: SpecOperation): KeyType {
  const row = seedRow(op);
  if (!row) throw new Error(`${op.method} ${op.path} (${op.operationId}) has no row in the seed table transcribed here`);
  const fromSeed = narrowestOf(row[2]);
  return INDEX_WRITES.has(op.operationId) && RANK[fromSeed] > RANK.index ? 'index' : fromSeed;
}

function isCorpusScoped(op: SpecOperation): boolean {
  return op.path.startsWith('/v2/corpora/{corpus_key}') || BODY_SCOPED.has(`${op.method} ${op.path}`);
}

const isPublic = (op: SpecOperation): boolean => Array.isArray(op.security) && op.security.length === 0;

// ---------------------------------------------------------------------------------------------
// Credentials.
// ---------------------------------------------------------------------------------------------

type CredentialKind =
  | 'none' | 'malformed' | 'unknown' | 'disabled' | 'deleted' | 'expired' | 'user_disabled' | 'client_deleted'
  | 'zqt_own' | 'zqt_other' | 'zwt_own' | 'zwt_other'
  | 'zut_owner' | 'zut_owner_bearer' | 'zut_no_roles' | 'oauth_admin' | 'oauth_no_roles';

interface Credential {
  kind: CredentialKind;
  label: string;
  /** 'unauthenticated': must get 401; 'bound': a zqt_/zwt_ key; 'roles': a user or app client acting by its roles. */
  class: 'unauthenticated' | 'bound' | 'roles';
  keyType?: Exclude<KeyType, 'personal'>;
  /** For bound keys: whether the cell aims at the key's own corpus or at another one. */
  target?: 'own' | 'other';
  /** For role principals: whether its roles grant everything, or nothing at all. */
  roles?: 'all' | 'none';
}

const CREDENTIALS: Credential[] = [
  { kind: 'none', label: 'no credential', class: 'unauthenticated' },
  { kind: 'malformed', label: 'malformed x-api-key', class: 'unauthenticated' },
  { kind: 'unknown', label: 'unknown zqt_ key', class: 'unauthenticated' },
  { kind: 'disabled', label: 'disabled zut_ key', class: 'unauthenticated' },
  { kind: 'deleted', label: 'deleted zut_ key', class: 'unauthenticated' },
  { kind: 'expired', label: 'expired OAuth token', class: 'unauthenticated' },
  { kind: 'user_disabled', label: 'zut_ of a disabled administrator', class: 'unauthenticated' },
  { kind: 'client_deleted', label: 'OAuth token of a deleted administrator app client', class: 'unauthenticated' },
  { kind: 'zqt_own', label: 'zqt_ own corpus', class: 'bound', keyType: 'query', target: 'own' },
  { kind: 'zqt_other', label: 'zqt_ other corpus', class: 'bound', keyType: 'query', target: 'other' },
  { kind: 'zwt_own', label: 'zwt_ own corpus', class: 'bound', keyType: 'index', target: 'own' },
  { kind: 'zwt_other', label: 'zwt_ other corpus', class: 'bound', keyType: 'index', target: 'other' },
  { kind: 'zut_owner', label: 'zut_ of the owner', class: 'roles', roles: 'all' },
  { kind: 'zut_owner_bearer', label: 'zut_ of the owner as Authorization Bearer', class: 'roles', roles: 'all' },
  { kind: 'zut_no_roles', label: 'zut_ of a user without roles', class: 'roles', roles: 'none' },
  { kind: 'oauth_admin', label: 'OAuth token, administrator app client', class: 'roles', roles: 'all' },
  { kind: 'oauth_no_roles', label: 'OAuth token, app client without roles', class: 'roles', roles: 'none' },
];

type Expected =
  | { outcome: 'allowed' }
  | { outcome: 401 }
  | { outcome: 403; reason: 'key-type'; need: KeyType }
  | { outcome: 403; reason: 'corpus' }
  | { outcome: 403; reason: 'role' };

function expected(op: SpecOperation, cred: Credential): Expected {
  if (cred.class === 'unauthenticated') return { outcome: 401 };
  if (cred.class === 'bound') {
    const need = neededKey(op);
    if (RANK[cred.keyType!] < RANK[need]) return { outcome: 403, reason: 'key-type', need };
    if (isCorpusScoped(op) && cred.target === 'other') return { outcome: 403, reason: 'corpus' };
    return { outcome: 'allowed' };
  }
  if (cred.roles === 'all') return { outcome: 'allowed' };
  // No roles: authenticated, so it may list corpora (and sees none); everything else needs a role.
  return op.operationId === 'listCorpora' ? { outcome: 'allowed' } : { outcome: 403, reason: 'role' };
}

const outcomeLabel = (e: Expected): string =>
  e.outcome === 'allowed' ? 'allowed (not 401/403)' : e.outcome === 401 ? '401' : `403 (${e.reason})`;

// ---------------------------------------------------------------------------------------------
// Fixtures: a request per operation.
// ---------------------------------------------------------------------------------------------

const CORPUS_A = 'matrix-a';
const CORPUS_B = 'matrix-b';
/** A second corpus the bound keys own, aimed at by corpus-destroying operations so corpus A survives. */
const CORPUS_A_SPARE = 'matrix-a-spare';

interface Ctx {
  /** The corpus this cell aims at: the bound key's own (A), another (B), or A for the other credentials. */
  corpus: string;
  /** For operations that destroy a corpus: the bound key's spare own corpus, else a fresh throwaway one. */
  doomedCorpus(): Promise<string>;
  scratchUser(): Promise<string>;
  scratchApiKey(): Promise<string>;
  scratchAppClient(): Promise<string>;
  unique(prefix: string): string;
  world: World;
}

interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** JSON body. */
  body?: unknown;
  /** A raw body with its content type (multipart uploads). */
  raw?: { payload: string; contentType: string };
  /** For operations already built: the statuses a valid allowed request answers. Unbuilt ones answer 501. */
  ok?: number[];
}

type Fixture = (ctx: Ctx) => Req | Promise<Req>;

const search = (corpus: string) => ({ query: 'what is quarry', search: { corpora: [{ corpus_key: corpus }] } });

function multipartFile(): { payload: string; contentType: string } {
  const boundary = 'matrixboundary';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hello.txt"\r\n` +
    `Content-Type: text/plain\r\n\r\nhello from the permission matrix\r\n--${boundary}--\r\n`;
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

const FIXTURES: Record<string, Fixture> = {
  createCorpus: (c) => ({ method: 'POST', url: '/v2/corpora', body: { key: c.unique('crp') }, ok: [201] }),
  listCorpora: () => ({ method: 'GET', url: '/v2/corpora', ok: [200] }),
  getCorpus: (c) => ({ method: 'GET', url: `/v2/corpora/${c.corpus}`, ok: [200] }),
  deleteCorpus: async (c) => ({ method: 'DELETE', url: `/v2/corpora/${await c.doomedCorpus()}`, ok: [204] }),
  updateCorpus: (c) => ({ method: 'PATCH', url: `/v2/corpora/${c.corpus}`, body: { description: 'touched by the matrix' } }),
  resetCorpus: async (c) => ({ method: 'POST', url: `/v2/corpora/${await c.doomedCorpus()}/reset` }),
  replaceFilterAttributes: (c) => ({
    method: 'POST', url: `/v2/corpora/${c.corpus}/replace_filter_attributes`, body: { filter_attributes: [] },
  }),
  computeCorpusSize: (c) => ({ method: 'POST', url: `/v2/corpora/${c.corpus}/compute_size` }),
  uploadFile: (c) => ({ method: 'POST', url: `/v2/corpora/${c.corpus}/upload_file`, raw: multipartFile() }),
  createCorpusDocument: (c) => ({
    method: 'POST', url: `/v2/corpora/${c.corpus}/documents`,
    body: { id: c.unique('doc'), type: 'core', document_parts: [{ text: 'Quarry speaks the Vectara API.' }] },
  }),
  listCorpusDocuments: (c) => ({ method: 'GET', url: `/v2/corpora/${c.corpus}/documents` }),
  deleteCorpusDocument: (c) => ({ method: 'DELETE', url: `/v2/corpora/${c.corpus}/documents/${c.unique('doc')}` }),
  getCorpusDocument: (c) => ({ method: 'GET', url: `/v2/corpora/${c.corpus}/documents/x` }),
  updateCorpusDocument: (c) => ({ method: 'PATCH', url: `/v2/corpora/${c.corpus}/documents/x`, body: { metadata: { a: 1 } } }),
  replaceCorpusDocumentMetadata: (c) => ({
    method: 'PUT', url: `/v2/corpora/${c.corpus}/documents/x/metadata`, body: { metadata: { a: 1 } },
  }),
  summarizeCorpusDocument: (c) => ({
    method: 'POST', url: `/v2/corpora/${c.corpus}/documents/x/summarize`, body: { llm_name: 'x' },
  }),
  searchCorpus: (c) => ({ method: 'GET', url: `/v2/corpora/${c.corpus}/query?query=quarry` }),
  queryCorpus: (c) => ({ method: 'POST', url: `/v2/corpora/${c.corpus}/query`, body: { query: 'quarry' } }),
  query: (c) => ({ method: 'POST', url: '/v2/query', body: search(c.corpus) }),
  getQueryHistory: () => ({ method: 'GET', url: '/v2/queries/qry_x' }),
  getQueryHistories: () => ({ method: 'GET', url: '/v2/queries' }),
  createChat: (c) => ({ method: 'POST', url: '/v2/chats', body: search(c.corpus) }),
  listChats: () => ({ method: 'GET', url: '/v2/chats' }),
  getChat: () => ({ method: 'GET', url: '/v2/chats/cht_x' }),
  deleteChat: () => ({ method: 'DELETE', url: '/v2/chats/cht_x' }),
  createChatTurn: (c) => ({ method: 'POST', url: '/v2/chats/cht_x/turns', body: search(c.corpus) }),
  listChatTurns: () => ({ method: 'GET', url: '/v2/chats/cht_x/turns' }),
  getChatTurn: () => ({ method: 'GET', url: '/v2/chats/cht_x/turns/trn_x' }),
  deleteChatTurn: () => ({ method: 'DELETE', url: '/v2/chats/cht_x/turns/trn_x' }),
  updateChatTurn: () => ({ method: 'PATCH', url: '/v2/chats/cht_x/turns/trn_x', body: { enabled: false } }),
  createLLM: (c) => ({
    method: 'POST', url: '/v2/llms',
    body: { type: 'openai-compatible', name: c.unique('llm'), model: 'm', uri: 'http://127.0.0.1:9/v1/chat/completions' },
  }),
  listLLMs: () => ({ method: 'GET', url: '/v2/llms' }),
  getLLM: () => ({ method: 'GET', url: '/v2/llms/llm_x' }),
  deleteLLM: () => ({ method: 'DELETE', url: '/v2/llms/llm_x' }),
  createChatCompletion: () => ({
    method: 'POST', url: '/v2/llms/chat/completions', body: { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
  }),
  listGenerationPresets: () => ({ method: 'GET', url: '/v2/generation_presets' }),
  evaluateFactualConsistency: () => ({
    method: 'POST', url: '/v2/evaluate_factual_consistency', body: { generated_text: 'a', source_texts: ['a'] },
  }),
  createEncoder: (c) => ({
    method: 'POST', url: '/v2/encoders',
    body: {
      type: 'openai-compatible', name: c.unique('enc'), description: 'matrix', model: 'm',
      uri: 'http://127.0.0.1:9/v1/embeddings',
    },
  }),
  listEncoders: () => ({ method: 'GET', url: '/v2/encoders' }),
  listRerankers: () => ({ method: 'GET', url: '/v2/rerankers' }),
  listTableExtractors: () => ({ method: 'GET', url: '/v2/table_extractors' }),
  listHallucinationCorrectors: () => ({ method: 'GET', url: '/v2/hallucination_correctors' }),
  correctHallucinations: () => ({
    method: 'POST', url: '/v2/hallucination_correctors/correct_hallucinations',
    body: { generated_text: 'a', documents: [{ text: 'a' }], model_name: 'x' },
  }),
  listJobs: () => ({ method: 'GET', url: '/v2/jobs' }),
  getJob: () => ({ method: 'GET', url: '/v2/jobs/job_x' }),
  createUser: (c) => ({ method: 'POST', url: '/v2/users', body: { email: `${c.unique('user')}@example.com` }, ok: [201] }),
  listUsers: () => ({ method: 'GET', url: '/v2/users', ok: [200] }),
  getUser: (c) => ({ method: 'GET', url: `/v2/users/${c.world.readableUser}`, ok: [200] }),
  updateUser: async (c) => ({
    method: 'PATCH', url: `/v2/users/${await c.scratchUser()}`, body: { description: 'touched by the matrix' }, ok: [200],
  }),
  deleteUser: async (c) => ({ method: 'DELETE', url: `/v2/users/${await c.scratchUser()}`, ok: [204] }),
  resetUserPassword: async (c) => ({ method: 'POST', url: `/v2/users/${await c.scratchUser()}/reset_password`, ok: [200] }),
  createApiKey: (c) => ({
    method: 'POST', url: '/v2/api_keys',
    body: { name: c.unique('key'), api_key_role: 'serving', corpus_keys: [CORPUS_A] }, ok: [201],
  }),
  listApiKeys: () => ({ method: 'GET', url: '/v2/api_keys', ok: [200] }),
  getApiKey: (c) => ({ method: 'GET', url: `/v2/api_keys/${c.world.readableKeyId}`, ok: [200] }),
  updateApiKey: async (c) => ({
    method: 'PATCH', url: `/v2/api_keys/${await c.scratchApiKey()}`, body: { enabled: true }, ok: [200],
  }),
  deleteApiKey: async (c) => ({ method: 'DELETE', url: `/v2/api_keys/${await c.scratchApiKey()}`, ok: [204] }),
  createAppClient: (c) => ({
    method: 'POST', url: '/v2/app_clients', body: { type: 'client_credentials', name: c.unique('app') }, ok: [201],
  }),
  listAppClient: () => ({ method: 'GET', url: '/v2/app_clients', ok: [200] }),
  getAppClient: (c) => ({ method: 'GET', url: `/v2/app_clients/${c.world.readableAppClientId}`, ok: [200] }),
  updateAppClient: async (c) => ({
    method: 'PATCH', url: `/v2/app_clients/${await c.scratchAppClient()}`, body: { description: 'touched' }, ok: [200],
  }),
  deleteAppClient: async (c) => ({ method: 'DELETE', url: `/v2/app_clients/${await c.scratchAppClient()}`, ok: [204] }),
};

// ---------------------------------------------------------------------------------------------
// The world: one app, its corpora and credentials, built once.
// ---------------------------------------------------------------------------------------------

interface World {
  server: TestServer;
  headers: Record<CredentialKind, Record<string, string>>;
  readableUser: string;
  readableKeyId: string;
  readableAppClientId: string;
  /** An app client without roles, whose credentials the token endpoint cells use. */
  tokenClient: { client_id: string; client_secret: string };
}

let world: World;
let counter = 0;
const unique = (prefix: string) => `m-${prefix}-${++counter}`;

interface Res {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

async function send(req: Req, headers: Record<string, string>): Promise<Res> {
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

function ctxFor(cred: Credential): Ctx {
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

beforeAll(async () => {
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
});

afterAll(async () => {
  await world?.server.close();
});

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
