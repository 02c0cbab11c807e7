import { unauthorized } from '../domain/errors.js';
import type { Storage } from '../storage/types.js';
import type { AuthCache } from './auth-cache.js';
import type { NamedCorpus } from './authorize.js';
import type { Credential } from './credentials.js';
import type { Principal } from './principal.js';
import { hashesEqual, hashSecret } from './secrets.js';
import type { TokenIssuer } from './tokens.js';

/**
 * Turns a credential into a principal, or throws 401. Look-ups go through the auth cache, which
 * is emptied whenever storage reports a change (see AuthCache), so disabling, deleting or
 * regenerating a key, disabling a user or deleting an app client takes effect on the very next
 * request, whichever process made the change.
 *
 * Contract: `fromCache` and `authenticate` are called from a `whenFresh` continuation, the first
 * synchronously inside it; that is what makes their cached answers current.
 */
export class Authenticator {
  constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenIssuer,
    private readonly cache: AuthCache,
  ) {}

  /** Calls `then` once the cache reflects every change committed before this call (AuthCache.whenSynced). */
  whenFresh(then: (err?: unknown) => void): void {
    this.cache.whenSynced(then);
  }

  /** The asynchronous path: whatever the cache lacks is read from storage (and then cached). */
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

  /**
   * The whole answer from the cache, synchronously, when everything needed is cached; undefined
   * means "take the asynchronous path". Most authenticated requests end here, which keeps the
   * hooks cheap. Only inside a `whenFresh` continuation, before anything is awaited.
   */
  fromCache(credential: Credential, corpusKeys: readonly string[]): { principal: Principal; corpora: NamedCorpus[] } | undefined {
    if (credential.kind !== 'api_key' || corpusKeys.length > 1) return undefined;
    const principal = this.cache.principals.get(hashSecret(credential.secret));
    if (!principal) return undefined;
    if (corpusKeys.length === 0) return { principal, corpora: [] };
    const key = corpusKeys[0]!;
    const id = this.cache.corpusIds.get(key);
    return id === undefined ? undefined : { principal, corpora: [{ key, id }] };
  }

  /** Resolves corpus keys named by a request to their ids (absent when no such corpus exists). */
  async resolveCorpora(keys: readonly string[]): Promise<NamedCorpus[]> {
    if (keys.length === 1) {
      // The common case (a corpus in the path), without the set and array work below.
      const key = keys[0]!;
      let id = this.cache.corpusIds.get(key);
      if (id === undefined) {
        id = (await this.storage.corpora.getByKey(key))?.id;
        if (id !== undefined) this.cache.remember(this.cache.corpusIds, key, id);
      }
      return [{ key, id }];
    }
    const unique = [...new Set(keys)];
    const missing = unique.filter((k) => !this.cache.corpusIds.has(k));
    if (missing.length > 0) {
      for (const c of await this.storage.corpora.getManyByKey(missing)) this.cache.remember(this.cache.corpusIds, c.key, c.id);
    }
    return unique.map((key) => ({ key, id: this.cache.corpusIds.get(key) }));
  }

  private async fromApiKey(secret: string): Promise<Principal> {
    const hash = hashSecret(secret);
    const cached = this.cache.principals.get(hash);
    if (cached) return cached;
    const key = await this.storage.apiKeys.getBySecretHash(hash);
    if (!key || !hashesEqual(key.secret_hash, hash)) throw unauthorized('Unknown API key: it does not exist or was deleted.');
    if (!key.enabled) throw unauthorized('This API key is disabled.');
    let user = null;
    if (key.role === 'personal') {
      user = key.user_id ? ((await this.storage.users.getById(key.user_id)) ?? null) : null;
      if (!user || !user.enabled) throw unauthorized('The user this API key belongs to is disabled or deleted.');
    }
    const principal: Principal = { kind: 'api_key', keyId: key.id, keyRole: key.role, user, corpusIds: key.corpus_ids };
    return this.cache.remember(this.cache.principals, hash, principal);
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    let verified = this.cache.tokens.get(token);
    if (!verified) {
      const check = await this.tokens.verify(token);
      if (!check.ok) {
        throw unauthorized(check.reason === 'expired' ? 'The access token has expired: request a new one.' : 'Invalid access token.');
      }
      const entry = 'userId' in check
        ? { subject: check.userId, user: true, expiresAtMs: check.expiresAtMs }
        : { subject: check.appClientId, user: false, expiresAtMs: check.expiresAtMs };
      verified = this.cache.remember(this.cache.tokens, token, entry);
    }
    if (Date.now() >= verified.expiresAtMs) {
      this.cache.tokens.delete(token);
      throw unauthorized('The access token has expired: request a new one.');
    }
    const cacheKey = `${verified.user ? 'user' : 'app'}:${verified.subject}`;
    const cached = this.cache.principals.get(cacheKey);
    if (cached) return cached;
    if (verified.user) {
      // A console sign-in acts as the user's personal key: the user's roles, nothing more.
      const user = await this.storage.users.getById(verified.subject);
      if (!user) throw unauthorized('The user this access token was issued to has been deleted.');
      if (!user.enabled) throw unauthorized('The user this access token was issued to is disabled.');
      return this.cache.remember(this.cache.principals, cacheKey, {
        kind: 'api_key', keyId: `session:${user.id}`, keyRole: 'personal', user, corpusIds: [],
      });
    }
    const client = await this.storage.appClients.getById(verified.subject);
    if (!client) throw unauthorized('The app client this access token was issued to has been deleted.');
    return this.cache.remember(this.cache.principals, cacheKey, { kind: 'app_client', client });
  }

}
