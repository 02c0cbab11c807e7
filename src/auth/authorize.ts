import { accountRolesGrant, CORPUS_PERMISSIONS, CORPUS_ROLE_GRANTS, type Permission } from './permissions.js';
import type { KeyType, OperationPolicy } from './policy.js';
import { accountRolesOf, boundCorpusIds, corpusRolesOf, isCorpusBound, keyTypeAllows, keyTypeOf, type Principal } from './principal.js';

/** A corpus named by a request, with its internal id when it exists. */
export interface NamedCorpus {
  key: string;
  id?: number;
}

const KEY_NEEDS: Record<KeyType, string> = {
  query: 'a QueryService, IndexService or Personal API key',
  index: 'an IndexService or Personal API key',
  personal: 'a Personal API key or an OAuth access token',
};

const PERMISSION_NEEDS: Record<Permission, string> = {
  'account.admin': 'the owner or administrator role',
  'corpus.create': 'the owner, administrator or corpus_administrator role',
  'corpus.manage': 'an account role that administers corpora, or the owner or administrator role on the corpus',
  'corpus.write': 'a role that may index into the corpus (account corpus_developer or above, or corpus editor or above)',
  'corpus.read': 'a role that may read the corpus (an account role other than billing, or any role on the corpus)',
  'platform.manage': 'the owner, administrator, corpus_administrator or corpus_developer role',
  'platform.use': 'an account role other than billing_administrator, or a role on some corpus',
  authenticated: 'a credential',
};

/** `corpus` undefined: no corpus named, any corpus role may grant; named but missing: only account roles. */
function rolesGrant(p: Principal, permission: Permission, corpus: NamedCorpus | undefined): boolean {
  if (permission === 'authenticated') return true;
  if (accountRolesGrant(accountRolesOf(p), permission)) return true;
  const grants = corpusRolesOf(p);
  if (permission === 'platform.use') return grants.length > 0;
  if (!CORPUS_PERMISSIONS.has(permission)) return false;
  return grants.some(
    (g) => (corpus === undefined || g.corpus_id === corpus.id) && CORPUS_ROLE_GRANTS[g.role].includes(permission),
  );
}

/**
 * Decides whether an authenticated principal may call an operation on the named corpora.
 * Returns null when allowed, else the 403 message, which names what is missing.
 * Pure: the caller resolves corpus keys to ids beforehand.
 */
export function authorize(p: Principal, policy: OperationPolicy, corpora: readonly NamedCorpus[]): string | null {
  if (policy.public) return null;
  if (!keyTypeAllows(keyTypeOf(p), policy.key)) {
    return `This operation needs ${KEY_NEEDS[policy.key]}; a ${keyTypeOf(p) === 'query' ? 'QueryService' : 'IndexService'} key cannot call it.`;
  }
  if (isCorpusBound(p)) {
    for (const c of corpora) {
      if (c.id === undefined || !boundCorpusIds(p).includes(c.id)) {
        return `This API key is not bound to corpus '${c.key}'. Keys only reach the corpora they were created for: create a key for this corpus.`;
      }
    }
    return null;
  }
  const targets = CORPUS_PERMISSIONS.has(policy.permission) && corpora.length > 0 ? corpora : [undefined];
  for (const c of targets) {
    if (!rolesGrant(p, policy.permission, c)) {
      const where = c ? ` on corpus '${c.key}'` : '';
      return `Permission denied${where}: this operation needs ${PERMISSION_NEEDS[policy.permission]}.`;
    }
  }
  return null;
}
