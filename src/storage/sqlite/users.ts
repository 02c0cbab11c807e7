import type { CorpusRoleGrant, NewUser, Page, PageRequest, UserPatch, UserRecord, UserRepository } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface UserRow {
  seq: number;
  id: string;
  username: string;
  email: string;
  description: string | null;
  enabled: number;
  api_roles: string;
  password_hash: string | null;
  reset_code_hash: string | null;
  reset_code_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export class SqliteUsers implements UserRepository {
  private readonly rolesOf;
  private readonly byUsername;
  private readonly byId;

  constructor(private readonly db: Db) {
    this.rolesOf = db.prepare<[number], CorpusRoleGrant>(
      'SELECT corpus_id, role FROM user_corpus_roles WHERE user_seq = ? ORDER BY corpus_id',
    );
    this.byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  }

  private map = (row: UserRow): UserRecord => ({
    id: row.id,
    username: row.username,
    email: row.email,
    description: row.description,
    enabled: bool(row.enabled),
    api_roles: JSON.parse(row.api_roles),
    corpus_roles: this.rolesOf.all(row.seq),
    password_hash: row.password_hash,
    reset_code_hash: row.reset_code_hash,
    reset_code_expires_at: row.reset_code_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });

  private setCorpusRoles(seq: number, grants: CorpusRoleGrant[]): void {
    this.db.prepare('DELETE FROM user_corpus_roles WHERE user_seq = ?').run(seq);
    const insert = this.db.prepare('INSERT OR REPLACE INTO user_corpus_roles (user_seq, corpus_id, role) VALUES (?, ?, ?)');
    for (const g of grants) insert.run(seq, g.corpus_id, g.role);
  }

  async create(user: NewUser): Promise<UserRecord> {
    const now = nowIso();
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO users (id, username, email, description, enabled, api_roles, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(user.id, user.username, user.email, user.description, user.enabled ? 1 : 0, JSON.stringify(user.api_roles), now, now);
      this.setCorpusRoles(Number(lastInsertRowid), user.corpus_roles);
      return this.map(this.byId.get(user.id)!);
    }).immediate();
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.byUsername.get(username);
    return row && this.map(row);
  }

  async getById(id: string): Promise<UserRecord | undefined> {
    const row = this.byId.get(id);
    return row && this.map(row);
  }

  async list(page: PageRequest, filter: { corpusId?: number } = {}): Promise<Page<UserRecord>> {
    const rows = this.db
      .prepare<unknown[], UserRow>(
        `SELECT * FROM users WHERE seq > @after
           AND (@corpus IS NULL OR seq IN (SELECT user_seq FROM user_corpus_roles WHERE corpus_id = @corpus))
         ORDER BY seq LIMIT @limit`,
      )
      .all({ after: page.after ?? 0, corpus: filter.corpusId ?? null, limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.seq, this.map);
  }

  async update(username: string, patch: UserPatch): Promise<UserRecord | undefined> {
    return this.db.transaction(() => {
      const row = this.byUsername.get(username);
      if (!row) return undefined;
      this.db
        .prepare('UPDATE users SET enabled = ?, description = ?, api_roles = ?, updated_at = ? WHERE seq = ?')
        .run(
          patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
          patch.description === undefined ? row.description : patch.description,
          patch.api_roles === undefined ? row.api_roles : JSON.stringify(patch.api_roles),
          nowIso(),
          row.seq,
        );
      if (patch.corpus_roles !== undefined) this.setCorpusRoles(row.seq, patch.corpus_roles);
      return this.map(this.byUsername.get(username)!);
    }).immediate();
  }

  async setPassword(username: string, passwordHash: string | null): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?')
      .run(passwordHash, nowIso(), username);
    return r.changes > 0;
  }

  async setResetCode(username: string, codeHash: string | null, expiresAt: string | null): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE users SET reset_code_hash = ?, reset_code_expires_at = ?, updated_at = ? WHERE username = ?')
      .run(codeHash, expiresAt, nowIso(), username);
    return r.changes > 0;
  }

  async delete(username: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE username = ?').run(username).changes > 0;
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }
}
