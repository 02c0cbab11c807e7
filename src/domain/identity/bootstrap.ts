import type { Config } from '../../config/schema.js';
import type { Principal } from '../../auth/principal.js';
import type { ApiKeyService } from './api-keys.js';
import type { UserService } from './users.js';

export interface FirstStart {
  username: string;
  /** The owner's personal key, shown once. */
  secret: string;
}

/**
 * First start: when the account has no user yet, create the owner and its personal key.
 * Returns the key so the caller can print it once; later starts return null.
 */
export async function ensureOwner(
  config: Pick<Config, 'owner'>,
  users: UserService,
  apiKeys: ApiKeyService,
  userCount: () => Promise<number>,
): Promise<FirstStart | null> {
  if ((await userCount()) > 0) return null;
  const owner = await users.create(null, {
    email: config.owner.email,
    username: config.owner.username,
    description: 'Account owner, created on first start',
    api_roles: ['owner'],
  });
  const record = await users.require(owner.username);
  const principal: Principal = { kind: 'api_key', keyId: 'first-start', keyRole: 'personal', user: record, corpusIds: [] };
  const key = await apiKeys.create(principal, { name: `${owner.username} personal key`, api_key_role: 'personal' });
  return { username: owner.username, secret: key.secret_key! };
}
