import { accountRolesGrant } from '../auth/permissions.js';
import { accountRolesOf, boundCorpusIds, isCorpusBound, type Principal } from '../auth/principal.js';
import type { ApiRole } from '../storage/types.js';
import { forbidden } from './errors.js';

/**
 * Rules that depend on the data, not only on the operation, and so live beside the services:
 * which corpora a principal sees in lists, and which roles it may hand to others.
 */

/** Corpora a principal may see: undefined means all of them. */
export function visibleCorpusIds(p: Principal): number[] | undefined {
  if (isCorpusBound(p)) return [...boundCorpusIds(p)];
  if (accountRolesGrant(accountRolesOf(p), 'corpus.read')) return undefined;
  return p.kind === 'api_key' ? (p.user?.corpus_roles.map((g) => g.corpus_id) ?? []) : [];
}

/** Whether the principal may read secrets (client secrets of app clients). */
export function isAccountAdmin(p: Principal): boolean {
  return !isCorpusBound(p) && accountRolesGrant(accountRolesOf(p), 'account.admin');
}

/**
 * Changing someone's roles (adding or taking away) needs those roles yourself: a key without
 * roles cannot strip an administrator, and only an owner can make or unmake another owner.
 */
export function assertCanChangeRoles(p: Principal, before: readonly ApiRole[], after: readonly ApiRole[]): void {
  const changed = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  assertCanGrant(p, changed);
}

/** Nobody hands out a role it does not hold; only an owner may make another owner. */
export function assertCanGrant(p: Principal, roles: readonly ApiRole[]): void {
  const held = new Set(accountRolesOf(p));
  if (held.has('owner')) return;
  const missing = roles.filter((r) => !held.has(r));
  if (missing.length > 0) {
    throw forbidden(`You cannot grant or remove roles you do not hold yourself: ${missing.join(', ')}.`);
  }
}
