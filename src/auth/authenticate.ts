import { unauthorized } from '../domain/errors.js';
import type { Storage } from '../storage/types.js';
import type { Credential } from './credentials.js';
import type { Principal } from './principal.js';
import { hashesEqual, hashSecret } from './secrets.js';
import type { TokenIssuer } from './tokens.js';

/**
 * Turns a credential into a principal, or throws 401. Every look-up reads storage, so disabling,
 * deleting or regenerating a key, disabling a user or deleting an app client takes effect on the
 * very next request.
 */
export class Authenticator {
  constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenIssuer,
  ) {}

  async authenticate(credential: Credential): Promise<Principal> {
    switch (credential.kind) {
      case 'none':
        throw unauthorized('Authentication required: send an API key in the x-api-key header, or an access token as "Authorization: Bearer".');
      case 'malformed':
        throw unauthorized(`Malformed credential: ${credential.reason}.`);
      case 'api_key':
        return this.fromApiKey(credential.secret);
      case 'access_token':
        return this.fromAccessToken(credential.token);
    }
  }

  private async fromApiKey(secret: string): Promise<Principal> {
    const hash = hashSecret(secret);
    const key = await this.storage.apiKeys.getBySecretHash(hash);
    if (!key || !hashesEqual(key.secret_hash, hash)) throw unauthorized('Unknown API key: it does not exist or was deleted.');
    if (!key.enabled) throw unauthorized('This API key is disabled.');
    let user = null;
    if (key.role === 'personal') {
      user = key.user_id ? ((await this.storage.users.getById(key.user_id)) ?? null) : null;
      if (!user || !user.enabled) throw unauthorized('The user this API key belongs to is disabled or deleted.');
    }
    return { kind: 'api_key', keyId: key.id, keyRole: key.role, user, corpusIds: key.corpus_ids };
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    const check = await this.tokens.verify(token);
    if (!check.ok) {
      throw unauthorized(check.reason === 'expired' ? 'The access token has expired: request a new one.' : 'Invalid access token.');
    }
    const client = await this.storage.appClients.getById(check.appClientId);
    if (!client) throw unauthorized('The app client this access token was issued to has been deleted.');
    return { kind: 'app_client', client };
  }
}
