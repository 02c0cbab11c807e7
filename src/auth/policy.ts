import type { OperationId } from '../http/operations.js';
import type { Permission } from './permissions.js';

/**
 * THE permission table: one entry per operation, read by the authorize hook and nowhere else.
 *
 * `key` is the narrowest API key type the operation accepts, following the seed's endpoint table
 * ("Allowed Key Types") with the reading PRODUCT.md documents:
 *   - keys nest: an IndexService key ("index and query") may do whatever a QueryService key may,
 *     and a Personal key whatever an IndexService key may;
 *   - IndexService keys may also add, upload, update and delete documents in their own corpora.
 * `permission` is what a personal key's user or an app client needs from its roles.
 * `corpus` says where the corpora an operation touches come from; a key bound to corpora may only
 * touch its own. `public` operations take no credential (the token endpoint authenticates the
 * client by its own credentials, as the spec's `security: []` says).
 */
export type KeyType = 'query' | 'index' | 'personal';

export type CorpusSource =
  | { in: 'path' }
  /** Optional filter in the query string; without it the service limits results itself. */
  | { in: 'query' }
  | { in: 'body'; select: (body: unknown) => string[] };

export interface OperationPolicy {
  public?: true;
  key: KeyType;
  permission: Permission;
  corpus?: CorpusSource;
}

const PATH: CorpusSource = { in: 'path' };
const QUERY: CorpusSource = { in: 'query' };

/** `search.corpora[].corpus_key`, as in multi-corpus queries and chats. */
const SEARCH_CORPORA: CorpusSource = {
  in: 'body',
  select: (body) => {
    const corpora = (body as { search?: { corpora?: unknown } } | null)?.search?.corpora;
    if (!Array.isArray(corpora)) return [];
    return corpora
      .map((c) => (c as { corpus_key?: unknown } | null)?.corpus_key)
      .filter((k): k is string => typeof k === 'string');
  },
};

const q = (permission: Permission, corpus?: CorpusSource): OperationPolicy => ({ key: 'query', permission, corpus });
const i = (permission: Permission, corpus?: CorpusSource): OperationPolicy => ({ key: 'index', permission, corpus });
const p = (permission: Permission, corpus?: CorpusSource): OperationPolicy => ({ key: 'personal', permission, corpus });
const open: OperationPolicy = { public: true, key: 'personal', permission: 'authenticated' };

export const POLICY: Record<OperationId, OperationPolicy> = {
  // Corpora
  createCorpus: p('corpus.create'),
  listCorpora: q('authenticated'),
  getCorpus: q('corpus.read', PATH),
  deleteCorpus: p('corpus.manage', PATH),
  updateCorpus: p('corpus.manage', PATH),
  resetCorpus: p('corpus.manage', PATH),
  replaceFilterAttributes: p('corpus.manage', PATH),
  computeCorpusSize: p('corpus.manage', PATH),
  // Documents (IndexService keys write in their own corpora: PRODUCT.md's reading of the seed)
  uploadFile: i('corpus.write', PATH),
  createCorpusDocument: i('corpus.write', PATH),
  listCorpusDocuments: q('corpus.read', PATH),
  deleteCorpusDocument: i('corpus.write', PATH),
  getCorpusDocument: q('corpus.read', PATH),
  updateCorpusDocument: i('corpus.write', PATH),
  replaceCorpusDocumentMetadata: i('corpus.write', PATH),
  summarizeCorpusDocument: p('corpus.read', PATH),
  // Query
  searchCorpus: q('corpus.read', PATH),
  queryCorpus: q('corpus.read', PATH),
  query: q('corpus.read', SEARCH_CORPORA),
  getQueryHistory: q('platform.use'),
  getQueryHistories: q('platform.use', QUERY),
  // Chats
  createChat: i('corpus.read', SEARCH_CORPORA),
  listChats: q('platform.use'),
  getChat: q('platform.use'),
  deleteChat: p('platform.use'),
  createChatTurn: i('corpus.read', SEARCH_CORPORA),
  listChatTurns: q('platform.use'),
  getChatTurn: q('platform.use'),
  deleteChatTurn: p('platform.use'),
  updateChatTurn: i('platform.use'),
  // Models
  createLLM: i('platform.manage'),
  listLLMs: q('platform.use'),
  getLLM: q('platform.use'),
  deleteLLM: p('platform.manage'),
  createChatCompletion: i('platform.use'),
  listGenerationPresets: q('platform.use'),
  evaluateFactualConsistency: p('platform.use'),
  createEncoder: i('platform.manage'),
  listEncoders: q('platform.use'),
  listRerankers: q('platform.use'),
  listTableExtractors: q('platform.use'),
  listHallucinationCorrectors: q('platform.use'),
  correctHallucinations: p('platform.use'),
  // Jobs
  listJobs: q('platform.use', QUERY),
  getJob: q('platform.use'),
  // Users and API keys: owner or administrator only
  createUser: p('account.admin'),
  listUsers: p('account.admin'),
  getUser: p('account.admin'),
  updateUser: p('account.admin'),
  deleteUser: p('account.admin'),
  resetUserPassword: p('account.admin'),
  createApiKey: p('account.admin'),
  listApiKeys: p('account.admin'),
  getApiKey: p('account.admin'),
  updateApiKey: p('account.admin'),
  deleteApiKey: p('account.admin'),
  // App clients: the seed's table lets corpus keys list, read, create and update them. Nobody can
  // hand out roles it does not hold, and secrets are shown to account administrators only.
  createAppClient: i('account.admin'),
  listAppClient: q('platform.use'),
  getAppClient: q('platform.use'),
  updateAppClient: i('account.admin'),
  deleteAppClient: p('account.admin'),
  // OAuth
  getOAuthToken: open,
  getOAuthTokenForm: open,
  // Quarry extensions. Signing in and setting a password carry their own proof (password,
  // one-time code). Regenerating needs a personal credential; the service lets a user regenerate
  // only their own key unless they administer the account.
  createConsoleSession: open,
  setUserPassword: open,
  regeneratePersonalKey: p('platform.use'),
};
