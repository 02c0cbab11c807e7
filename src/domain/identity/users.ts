import { randomBytes } from 'node:crypto';
import { rolePolicy, type ApiPolicy } from '../../auth/api-policy.js';
import type { Principal } from '../../auth/principal.js';
import { hashSecret, newId } from '../../auth/secrets.js';
import type { ApiRole, CorpusRoleGrant, CorpusRoleName, Page, PageRequest, Storage, UserRecord } from '../../storage/types.js';
import { assertCanChangeRoles, assertCanGrant } from '../access.js';
import { corpusKeysById, requireCorpora } from '../corpora/lookup.js';
import { badRequest, conflict, notFound } from '../errors.js';

export interface CorpusRoleView {
  corpus_key: string;
  role: CorpusRoleName;
}

export interface UserView {
  id: string;
  email: string;
  username: string;
  enabled: boolean;
  description?: string;
  created_at: string;
  updated_at: string;
  api_roles: ApiRole[];
  corpus_roles: CorpusRoleView[];
  api_policy: ApiPolicy;
}

export interface CreateUser {
  email: string;
  username?: string;
  description?: string;
  api_roles?: ApiRole[];
  corpus_roles?: CorpusRoleView[];
}

export interface UpdateUser {
  enabled?: boolean;
  description?: string;
  api_roles?: ApiRole[];
  corpus_roles?: CorpusRoleView[];
}

/** How long the one-time code from a password reset stays valid. */
const RESET_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** Users of the account: the people personal keys belong to. */
export class UserService {
  constructor(private readonly storage: Storage) {}

  async view(user: UserRecord): Promise<UserView> {
    const keys = await corpusKeysById(this.storage, user.corpus_roles.map((g) => g.corpus_id));
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      enabled: user.enabled,
      ...(user.description !== null ? { description: user.description } : {}),
      created_at: user.created_at,
      updated_at: user.updated_at,
      api_roles: user.api_roles,
      corpus_roles: user.corpus_roles.flatMap((g) => {
        const key = keys.get(g.corpus_id);
        return key ? [{ corpus_key: key, role: g.role }] : [];
      }),
      api_policy: rolePolicy(user.username, user.api_roles, user.corpus_roles, (id) => keys.get(id)),
    };
  }

  private async grants(roles: CorpusRoleView[] | undefined): Promise<CorpusRoleGrant[] | undefined> {
    if (roles === undefined) return undefined;
    const corpora = await requireCorpora(this.storage, 'corpus_roles', roles.map((r) => r.corpus_key));
    return roles.map((r) => ({ corpus_id: corpora.find((c) => c.key === r.corpus_key)!.id, role: r.role }));
  }

  /** `principal` null: the server itself (first start, the operator CLI). */
  async create(principal: Principal | null, req: CreateUser): Promise<UserView> {
    const apiRoles = [...new Set(req.api_roles ?? [])];
    if (principal) assertCanGrant(principal, apiRoles);
    const username = (req.username ?? req.email).trim();
    if (!username) throw badRequest('username must not be empty', { username: 'must not be empty' });
    if (await this.storage.users.getByUsername(username)) throw conflict(`A user named '${username}' already exists`);
    const user = await this.storage.users.create({
      id: newId('usr_'),
      username,
      email: req.email,
      description: req.description ?? null,
      enabled: true,
      api_roles: apiRoles,
      corpus_roles: (await this.grants(req.corpus_roles)) ?? [],
    });
    return this.view(user);
  }

  async require(username: string): Promise<UserRecord> {
    const user = await this.storage.users.getByUsername(username);
    if (!user) throw notFound('User', username);
    return user;
  }

  async get(username: string): Promise<UserView> {
    return this.view(await this.require(username));
  }

  async list(page: PageRequest, filter: { corpus_key?: string }): Promise<Page<UserView>> {
    let corpusId: number | undefined;
    if (filter.corpus_key !== undefined) {
      const corpus = await this.storage.corpora.getByKey(filter.corpus_key);
      if (!corpus) return { items: [] };
      corpusId = corpus.id;
    }
    const result = await this.storage.users.list(page, { corpusId });
    return { ...result, items: await Promise.all(result.items.map((u) => this.view(u))) };
  }

  /** The account always keeps an enabled owner, so it can never be locked out of itself. */
  private async assertKeepsOwner(user: UserRecord, after: { enabled: boolean; api_roles: ApiRole[] } | null) {
    if (!user.enabled || !user.api_roles.includes('owner')) return;
    if (after && after.enabled && after.api_roles.includes('owner')) return;
    let others = 0;
    for (let page = await this.storage.users.list({ limit: 100 }); ; ) {
      others += page.items.filter((u) => u.id !== user.id && u.enabled && u.api_roles.includes('owner')).length;
      if (others > 0 || page.next === undefined) break;
      page = await this.storage.users.list({ limit: 100, after: page.next });
    }
    if (others === 0) throw badRequest(`'${user.username}' is the account's only enabled owner; make another owner first.`);
  }

  async update(principal: Principal | null, username: string, req: UpdateUser): Promise<UserView> {
    const user = await this.require(username);
    const apiRoles = req.api_roles ? [...new Set(req.api_roles)] : undefined;
    if (principal && apiRoles) assertCanChangeRoles(principal, user.api_roles, apiRoles);
    // Disabling someone takes their roles away for a while: it needs those roles too.
    if (principal && req.enabled !== undefined && req.enabled !== user.enabled) assertCanChangeRoles(principal, user.api_roles, []);
    await this.assertKeepsOwner(user, { enabled: req.enabled ?? user.enabled, api_roles: apiRoles ?? user.api_roles });
    const updated = await this.storage.users.update(username, {
      enabled: req.enabled,
      description: req.description,
      api_roles: apiRoles,
      corpus_roles: await this.grants(req.corpus_roles),
    });
    return this.view(updated!);
  }

  /** Deletes the user and its personal keys; `principal` null is the server's operator. */
  async delete(principal: Principal | null, username: string): Promise<void> {
    const user = await this.require(username);
    if (principal) assertCanChangeRoles(principal, user.api_roles, []);
    await this.assertKeepsOwner(user, null);
    await this.storage.users.delete(username);
  }

  /**
   * Self-hosted Quarry sends no e-mail: the one-time code is returned to the administrator, who
   * hands it to the user; it is stored hashed and expires after a day.
   */
  async resetPassword(username: string): Promise<{ one_time_code: string }> {
    await this.require(username);
    const code = randomBytes(18).toString('base64url');
    await this.storage.users.setResetCode(username, hashSecret(code), new Date(Date.now() + RESET_CODE_TTL_MS).toISOString());
    return { one_time_code: code };
  }
}
