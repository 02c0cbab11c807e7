import type { ApiKeyRole, ApiRole, AppClientRecord, CorpusRoleGrant, UserRecord } from '../storage/types.js';
import type { KeyType } from './policy.js';

/** Who is calling, once authenticated. */
export type Principal =
  /** `user` is set for personal keys only: corpus keys belong to the account, not to a user. */
  | { kind: 'api_key'; keyId: string; keyRole: ApiKeyRole; user: UserRecord | null; corpusIds: readonly number[] }
  | { kind: 'app_client'; client: AppClientRecord };

const KEY_RANK: Record<KeyType, number> = { query: 1, index: 2, personal: 3 };
const ROLE_KEY_TYPE: Record<ApiKeyRole, KeyType> = {
  serving: 'query',
  serving_and_indexing: 'index',
  personal: 'personal',
};

/** The key type a principal counts as; OAuth app clients act like personal keys, within their roles. */
export function keyTypeOf(p: Principal): KeyType {
  return p.kind === 'app_client' ? 'personal' : ROLE_KEY_TYPE[p.keyRole];
}

export function keyTypeAllows(have: KeyType, need: KeyType): boolean {
  return KEY_RANK[have] >= KEY_RANK[need];
}

/** Corpus-bound keys (QueryService, IndexService) act through their binding, not through roles. */
export function isCorpusBound(p: Principal): boolean {
  return p.kind === 'api_key' && p.keyRole !== 'personal';
}

/** Corpora a bound key may reach (empty for everyone else). */
export function boundCorpusIds(p: Principal): readonly number[] {
  return p.kind === 'api_key' && p.keyRole !== 'personal' ? p.corpusIds : [];
}

export function accountRolesOf(p: Principal): readonly ApiRole[] {
  if (p.kind === 'app_client') return p.client.api_roles;
  return p.user?.api_roles ?? [];
}

export function corpusRolesOf(p: Principal): readonly CorpusRoleGrant[] {
  return p.kind === 'api_key' ? (p.user?.corpus_roles ?? []) : [];
}

/** A short description for logs and messages; never includes a secret. */
export function describePrincipal(p: Principal): string {
  return p.kind === 'app_client' ? `app client ${p.client.id}` : `${p.keyRole} API key ${p.keyId}`;
}
