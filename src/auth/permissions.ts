import type { ApiRole, CorpusRoleName } from '../storage/types.js';

/**
 * What a user (through a personal key) or an app client (through an OAuth token) may do, as
 * granted by its roles. API keys bound to corpora do not use roles: their key type and corpus
 * binding decide (see ./authorize.ts).
 */
export type Permission =
  /** Manage users, API keys and app clients (owner or administrator, as PRODUCT.md says). */
  | 'account.admin'
  | 'corpus.create'
  /** Administer one corpus: delete, update, reset, replace filters, compute size. */
  | 'corpus.manage'
  /** Add, upload, update and delete documents of one corpus. */
  | 'corpus.write'
  /** Query one corpus and read its documents. */
  | 'corpus.read'
  /** Register encoders and LLMs, delete LLMs. */
  | 'platform.manage'
  /** Use account-wide features: models, chats, generation, evaluation, jobs. */
  | 'platform.use'
  /** Any authenticated principal; the answer only shows what the principal may see. */
  | 'authenticated';

export const CORPUS_PERMISSIONS: ReadonlySet<Permission> = new Set(['corpus.manage', 'corpus.write', 'corpus.read']);

const ALL: Permission[] = [
  'account.admin', 'corpus.create', 'corpus.manage', 'corpus.write', 'corpus.read',
  'platform.manage', 'platform.use', 'authenticated',
];

/** Account-wide roles: each grants its permissions on every corpus of the account. */
export const ACCOUNT_ROLE_GRANTS: Record<ApiRole, readonly Permission[]> = {
  owner: ALL,
  administrator: ALL,
  corpus_administrator: ['corpus.create', 'corpus.manage', 'corpus.write', 'corpus.read', 'platform.manage', 'platform.use', 'authenticated'],
  corpus_developer: ['corpus.write', 'corpus.read', 'platform.manage', 'platform.use', 'authenticated'],
  // Billing is outside Quarry's scope: a billing administrator's key can authenticate, nothing more.
  billing_administrator: ['authenticated'],
  agent_administrator: ['platform.use', 'authenticated'],
  agent_developer: ['platform.use', 'authenticated'],
  agent_viewer: ['platform.use', 'authenticated'],
};

/** Per-corpus roles: each grants its permissions on that corpus only (plus general platform use). */
export const CORPUS_ROLE_GRANTS: Record<CorpusRoleName, readonly Permission[]> = {
  owner: ['corpus.manage', 'corpus.write', 'corpus.read'],
  administrator: ['corpus.manage', 'corpus.write', 'corpus.read'],
  editor: ['corpus.write', 'corpus.read'],
  viewer: ['corpus.read'],
};

/** Roles that a principal may hand to others: none it does not hold itself. */
export function accountRolesGrant(roles: readonly ApiRole[], permission: Permission): boolean {
  return roles.some((r) => ACCOUNT_ROLE_GRANTS[r].includes(permission));
}
