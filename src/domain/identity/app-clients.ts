import { randomBytes } from 'node:crypto';
import { rolePolicy, type ApiPolicy } from '../../auth/api-policy.js';
import type { Principal } from '../../auth/principal.js';
import { hashesEqual, hashSecret, newClientSecret, newId } from '../../auth/secrets.js';
import type { ApiRole, AppClientRecord, Page, PageRequest } from '../../storage/types.js';
import { assertCanChangeRoles, assertCanGrant, isAccountAdmin } from '../access.js';
import { invalidField, notFound, unauthorized } from '../errors.js';
import { checkRegex } from '../regex.js';
import type { IdentityDeps } from './deps.js';

export interface AppClientView {
  id: string;
  name: string;
  description?: string;
  client_id: string;
  client_secret?: string;
  api_roles: ApiRole[];
  api_policy: ApiPolicy;
}

export interface CreateAppClient {
  type?: 'client_credentials';
  name: string;
  description?: string;
  api_roles?: ApiRole[];
}

export interface UpdateAppClient {
  description?: string;
  api_roles?: ApiRole[];
}

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** OAuth 2.0 client-credentials clients, and the tokens they obtain. */
export class AppClientService {
  constructor(private readonly deps: IdentityDeps) {}

  private view(c: AppClientRecord, showSecret: boolean, revealed?: string): AppClientView {
    const secret =
      revealed ??
      (showSecret && c.client_secret_encrypted && this.deps.secrets ? this.deps.secrets.open(c.client_secret_encrypted) : undefined);
    return {
      id: c.id,
      name: c.name,
      ...(c.description !== null ? { description: c.description } : {}),
      client_id: c.client_id,
      ...(secret !== undefined ? { client_secret: secret } : {}),
      api_roles: c.api_roles,
      // App clients hold account roles only, so no corpus keys need resolving.
      api_policy: rolePolicy(c.name, c.api_roles, [], () => undefined),
    };
  }

  async create(principal: Principal, req: CreateAppClient): Promise<AppClientView> {
    const roles = [...new Set(req.api_roles ?? [])];
    assertCanGrant(principal, roles);
    const name = req.name.trim();
    if (!name) throw invalidField('name', 'must not be empty');
    const secret = newClientSecret();
    const record = await this.deps.storage.appClients.create({
      id: newId('app_'),
      name,
      description: req.description ?? null,
      client_id: randomBytes(16).toString('hex'),
      client_secret_hash: hashSecret(secret),
      client_secret_encrypted: this.deps.secrets ? this.deps.secrets.seal(secret) : null,
      api_roles: roles,
    });
    return this.view(record, true, secret);
  }

  async list(principal: Principal, page: PageRequest, filter: { filter?: string }): Promise<Page<AppClientView>> {
    const nameRegex = checkRegex('filter', filter.filter);
    const result = await this.deps.storage.appClients.list(page, { nameRegex });
    const show = isAccountAdmin(principal);
    return { ...result, items: result.items.map((c) => this.view(c, show)) };
  }

  private async require(id: string): Promise<AppClientRecord> {
    const c = await this.deps.storage.appClients.getById(id);
    if (!c) throw notFound('App client', id);
    return c;
  }

  async get(principal: Principal, id: string): Promise<AppClientView> {
    return this.view(await this.require(id), isAccountAdmin(principal));
  }

  async update(principal: Principal, id: string, req: UpdateAppClient): Promise<AppClientView> {
    const current = await this.require(id);
    const roles = req.api_roles ? [...new Set(req.api_roles)] : undefined;
    if (roles) assertCanChangeRoles(principal, current.api_roles, roles);
    const updated = await this.deps.storage.appClients.update(id, { description: req.description, api_roles: roles });
    return this.view(updated!, isAccountAdmin(principal));
  }

  /** Tokens already issued stop working at once: authentication looks the client up each time. */
  async delete(id: string): Promise<void> {
    if (!(await this.deps.storage.appClients.delete(id))) throw notFound('App client', id);
  }

  /** The client-credentials grant. Wrong id and wrong secret get the same answer. */
  async issueToken(clientId: string, clientSecret: string): Promise<AccessToken> {
    const client = await this.deps.storage.appClients.getByClientId(clientId);
    if (!client || !hashesEqual(client.client_secret_hash, hashSecret(clientSecret))) {
      throw unauthorized('Invalid client credentials.');
    }
    return {
      access_token: await this.deps.tokens.issue(client.id),
      token_type: 'Bearer',
      expires_in: this.deps.tokens.ttlSeconds,
    };
  }
}
