/**
 * The permission matrix's fixtures (see ../permission-matrix.test.ts): one request per operation
 * of the spec, built in the context of a cell (./world.ts makes that context).
 */
import type { World } from './world.js';

export const CORPUS_A = 'matrix-a';
export const CORPUS_B = 'matrix-b';
/** A second corpus the bound keys own, aimed at by corpus-destroying operations so corpus A survives. */
export const CORPUS_A_SPARE = 'matrix-a-spare';

export interface Ctx {
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

export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** JSON body. */
  body?: unknown;
  /** A raw body with its content type (multipart uploads). */
  raw?: { payload: string; contentType: string };
  /** For operations already built: the statuses a valid allowed request answers. Unbuilt ones answer 501. */
  ok?: number[];
}

export type Fixture = (ctx: Ctx) => Req | Promise<Req>;

const search = (corpus: string) => ({ query: 'what is quarry', search: { corpora: [{ corpus_key: corpus }] } });

function multipartFile(): { payload: string; contentType: string } {
  const boundary = 'matrixboundary';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hello.txt"\r\n` +
    `Content-Type: text/plain\r\n\r\nhello from the permission matrix\r\n--${boundary}--\r\n`;
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

export const FIXTURES: Record<string, Fixture> = {
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
