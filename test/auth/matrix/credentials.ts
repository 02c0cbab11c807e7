/**
 * The permission matrix's credentials (see ../permission-matrix.test.ts), and the outcome each
 * one must get for an operation, derived from the seed's table in ./seed-table.ts.
 */
import type { SpecOperation } from '../../helpers/spec.js';
import { isCorpusScoped, type KeyType, neededKey, RANK } from './seed-table.js';

export type CredentialKind =
  | 'none' | 'malformed' | 'unknown' | 'disabled' | 'deleted' | 'expired' | 'user_disabled' | 'client_deleted'
  | 'zqt_own' | 'zqt_other' | 'zwt_own' | 'zwt_other'
  | 'zut_owner' | 'zut_owner_bearer' | 'zut_no_roles' | 'oauth_admin' | 'oauth_no_roles';

export interface Credential {
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

export const CREDENTIALS: Credential[] = [
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

export type Expected =
  | { outcome: 'allowed' }
  | { outcome: 401 }
  | { outcome: 403; reason: 'key-type'; need: KeyType }
  | { outcome: 403; reason: 'corpus' }
  | { outcome: 403; reason: 'role' };

export function expected(op: SpecOperation, cred: Credential): Expected {
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

export const outcomeLabel = (e: Expected): string =>
  e.outcome === 'allowed' ? 'allowed (not 401/403)' : e.outcome === 401 ? '401' : `403 (${e.reason})`;
