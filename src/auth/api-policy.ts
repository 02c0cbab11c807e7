import type { ApiRole, CorpusRoleGrant } from '../storage/types.js';
import { accountRolesGrant, CORPUS_PERMISSIONS, CORPUS_ROLE_GRANTS } from './permissions.js';
import { POLICY, type KeyType } from './policy.js';
import { keyTypeAllows } from './principal.js';

/**
 * The spec's `ApiPolicy`: which operations a key, user or app client may call, and on which
 * corpora. Derived from the one permission table, so it can never disagree with enforcement.
 */
export interface ApiPolicy {
  name: string;
  allowed_operations: Record<string, { allow_any_resource: boolean; allowed_resources?: Record<string, string[]> }>;
}

type Allowed = ApiPolicy['allowed_operations'][string];

const restricted = (corpusKeys: string[]): Allowed => ({
  allow_any_resource: false,
  allowed_resources: { 'path.corpus_key': corpusKeys },
});

function build(name: string, decide: (op: string) => Allowed | undefined): ApiPolicy {
  const allowed: ApiPolicy['allowed_operations'] = {};
  for (const [op, policy] of Object.entries(POLICY)) {
    if (policy.public) continue;
    const verdict = decide(op);
    if (verdict) allowed[op] = verdict;
  }
  return { name, allowed_operations: allowed };
}

/** A QueryService or IndexService key: the operations its type allows, on its own corpora only. */
export function boundKeyPolicy(role: 'serving' | 'serving_and_indexing', corpusKeys: string[]): ApiPolicy {
  const have: KeyType = role === 'serving' ? 'query' : 'index';
  return build(role, (op) => {
    const policy = POLICY[op as keyof typeof POLICY];
    if (!keyTypeAllows(have, policy.key)) return undefined;
    return policy.corpus ? restricted(corpusKeys) : { allow_any_resource: true };
  });
}

/**
 * A principal acting through roles (a user's personal key, an app client). Corpus operations
 * granted only by per-corpus roles list those corpora. `corpusKeyOf` maps internal ids to keys.
 */
export function rolePolicy(
  name: string,
  apiRoles: readonly ApiRole[],
  corpusRoles: readonly CorpusRoleGrant[],
  corpusKeyOf: (id: number) => string | undefined,
): ApiPolicy {
  return build(name, (op) => {
    const { permission } = POLICY[op as keyof typeof POLICY];
    if (accountRolesGrant(apiRoles, permission)) return { allow_any_resource: true };
    if (permission === 'platform.use' && corpusRoles.length > 0) return { allow_any_resource: true };
    if (!CORPUS_PERMISSIONS.has(permission)) return undefined;
    const keys = corpusRoles
      .filter((g) => CORPUS_ROLE_GRANTS[g.role].includes(permission))
      .map((g) => corpusKeyOf(g.corpus_id))
      .filter((k): k is string => k !== undefined);
    return keys.length > 0 ? restricted(keys) : undefined;
  });
}
