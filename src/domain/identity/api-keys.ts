import { boundKeyPolicy, rolePolicy, type ApiPolicy } from '../../auth/api-policy.js';
import type { Principal } from '../../auth/principal.js';
import { hashSecret, newApiKeySecret, newId } from '../../auth/secrets.js';
import type { ApiKeyRecord, ApiKeyRole, Page, PageRequest } from '../../storage/types.js';
import { corpusKeysById, requireCorpora } from '../corpora/lookup.js';
import { isAccountAdmin } from '../access.js';
import { badRequest, forbidden, invalidField, notFound } from '../errors.js';
import type { IdentityDeps } from './deps.js';

/** The API's view of a key. `corpus_keys` and `created_at` are Quarry additions the console uses. */
export interface ApiKeyView {
  id: string;
  name: string;
  secret_key?: string;
  enabled: boolean;
  api_key_role: ApiKeyRole;
  api_policy: ApiPolicy;
  corpus_keys: string[];
  created_at: string;
}

export interface CreateApiKey {
  name: string;
  api_key_role: ApiKeyRole;
  corpus_keys?: string[] | null;
}

/** API keys: create, list, read, enable/disable, delete, and regenerate a personal key's secret. */
export class ApiKeyService {
  constructor(private readonly deps: IdentityDeps) {}

  private seal(secret: string): string | null {
    return this.deps.secrets ? this.deps.secrets.seal(secret) : null;
  }

  async view(key: ApiKeyRecord, revealed?: string): Promise<ApiKeyView> {
    const { storage, secrets } = this.deps;
    const bound = await corpusKeysById(storage, key.corpus_ids);
    let policy: ApiPolicy;
    if (key.role === 'personal') {
      const user = key.user_id ? await storage.users.getById(key.user_id) : undefined;
      const roles = await corpusKeysById(storage, user?.corpus_roles.map((g) => g.corpus_id) ?? []);
      policy = rolePolicy('personal', user?.api_roles ?? [], user?.corpus_roles ?? [], (id) => roles.get(id));
    } else {
      policy = boundKeyPolicy(key.role, [...bound.values()]);
    }
    const secret = revealed ?? (key.secret_encrypted && secrets ? secrets.open(key.secret_encrypted) : undefined);
    return {
      id: key.id,
      name: key.name,
      ...(secret !== undefined ? { secret_key: secret } : {}),
      enabled: key.enabled,
      api_key_role: key.role,
      api_policy: policy,
      corpus_keys: [...bound.values()],
      created_at: key.created_at,
    };
  }

  /** Creates a key; the answer carries the secret whether or not it is stored for read-back. */
  async create(principal: Principal, req: CreateApiKey): Promise<ApiKeyView> {
    const { storage } = this.deps;
    const name = req.name.trim();
    if (!name) throw invalidField('name', 'must not be empty');
    const corpusKeys = req.corpus_keys ?? [];
    let userId: string | null = null;
    let corpusIds: number[] = [];
    if (req.api_key_role === 'personal') {
      if (corpusKeys.length > 0) throw invalidField('corpus_keys', 'must be empty for a personal key: it acts with its user\'s roles');
      userId = principal.kind === 'api_key' ? (principal.user?.id ?? null) : null;
      if (!userId) throw invalidField('api_key_role', 'a personal key belongs to a user; an app client cannot own one');
    } else {
      if (corpusKeys.length === 0) throw invalidField('corpus_keys', 'a QueryService or IndexService key needs at least one corpus');
      corpusIds = (await requireCorpora(storage, 'corpus_keys', corpusKeys)).map((c) => c.id);
    }
    const secret = newApiKeySecret(req.api_key_role);
    const createdBy = principal.kind === 'api_key' ? (principal.user?.id ?? principal.keyId) : principal.client.id;
    const record = await storage.apiKeys.create({
      id: newId('aky_'),
      name,
      role: req.api_key_role,
      user_id: userId,
      created_by: createdBy,
      corpus_ids: corpusIds,
      secret_hash: hashSecret(secret),
      secret_encrypted: this.seal(secret),
    });
    return this.view(record, secret);
  }

  async list(
    page: PageRequest,
    filter: { corpus_key?: string; api_key_role?: ApiKeyRole },
  ): Promise<Page<ApiKeyView>> {
    const { storage } = this.deps;
    let corpusId: number | undefined;
    if (filter.corpus_key !== undefined) {
      const corpus = await storage.corpora.getByKey(filter.corpus_key);
      if (!corpus) return { items: [] };
      corpusId = corpus.id;
    }
    const result = await storage.apiKeys.list(page, { corpusId, role: filter.api_key_role });
    return { ...result, items: await Promise.all(result.items.map((k) => this.view(k))) };
  }

  private async require(id: string): Promise<ApiKeyRecord> {
    const key = await this.deps.storage.apiKeys.getById(id);
    if (!key) throw notFound('API key', id);
    return key;
  }

  async get(id: string): Promise<ApiKeyView> {
    return this.view(await this.require(id));
  }

  /** Takes effect on the next request: authentication reads the flag from storage every time. */
  async setEnabled(id: string, enabled: boolean): Promise<ApiKeyView> {
    await this.require(id);
    return this.view((await this.deps.storage.apiKeys.setEnabled(id, enabled))!);
  }

  /** Final: a deleted key cannot be brought back. */
  async delete(id: string): Promise<void> {
    if (!(await this.deps.storage.apiKeys.delete(id))) throw notFound('API key', id);
  }

  /**
   * A new secret for a personal key; the old one stops working at once. With a principal (the
   * HTTP route), only the key's own user or an account administrator may do it.
   */
  async regenerate(id: string, principal?: Principal): Promise<ApiKeyView> {
    const key = await this.require(id);
    if (principal && !isAccountAdmin(principal) && !(principal.kind === 'api_key' && principal.user?.id === key.user_id)) {
      throw forbidden('Only the key\'s own user or an account administrator may regenerate a personal key.');
    }
    if (key.role !== 'personal') throw badRequest('Only a personal key can be regenerated; replace a corpus key by creating a new one.');
    const secret = newApiKeySecret('personal');
    const updated = await this.deps.storage.apiKeys.replaceSecret(id, hashSecret(secret), this.seal(secret));
    return this.view(updated!, secret);
  }
}
