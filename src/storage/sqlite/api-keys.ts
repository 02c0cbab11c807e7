import type { ApiKeyRecord, ApiKeyRepository, ApiKeyRole, NewApiKey, Page, PageRequest } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface KeyRow {
  seq: number;
  id: string;
  name: string;
  role: ApiKeyRole;
  enabled: number;
  user_id: string | null;
  created_by: string | null;
  secret_hash: string;
  secret_encrypted: string | null;
  created_at: string;
  updated_at: string;
}

export class SqliteApiKeys implements ApiKeyRepository {
  private readonly corporaOf;
  private readonly byId;
  private readonly byHash;

  constructor(private readonly db: Db) {
    this.corporaOf = db
      .prepare<[number], number>('SELECT corpus_id FROM api_key_corpora WHERE key_seq = ? ORDER BY corpus_id')
      .pluck();
    this.byId = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?');
    this.byHash = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE secret_hash = ?');
  }

  private map = (row: KeyRow): ApiKeyRecord => ({
    id: row.id,
    name: row.name,
    role: row.role,
    enabled: bool(row.enabled),
    user_id: row.user_id,
    created_by: row.created_by,
    corpus_ids: row.role === 'personal' ? [] : this.corporaOf.all(row.seq),
    secret_hash: row.secret_hash,
    secret_encrypted: row.secret_encrypted,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });

  async create(key: NewApiKey): Promise<ApiKeyRecord> {
    const now = nowIso();
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO api_keys (id, name, role, user_id, created_by, secret_hash, secret_encrypted, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(key.id, key.name, key.role, key.user_id, key.created_by, key.secret_hash, key.secret_encrypted, now, now);
      const bind = this.db.prepare('INSERT OR IGNORE INTO api_key_corpora (key_seq, corpus_id) VALUES (?, ?)');
      if (key.role !== 'personal') for (const corpusId of key.corpus_ids) bind.run(lastInsertRowid, corpusId);
      return this.map(this.byId.get(key.id)!);
    }).immediate();
  }

  async getById(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.byId.get(id);
    return row && this.map(row);
  }

  async getBySecretHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.byHash.get(hash);
    return row && this.map(row);
  }

  async list(
    page: PageRequest,
    filter: { corpusId?: number; role?: ApiKeyRole; userId?: string } = {},
  ): Promise<Page<ApiKeyRecord>> {
    const rows = this.db
      .prepare<unknown[], KeyRow>(
        `SELECT * FROM api_keys WHERE seq > @after
           AND (@corpus IS NULL OR seq IN (SELECT key_seq FROM api_key_corpora WHERE corpus_id = @corpus))
           AND (@role IS NULL OR role = @role)
           AND (@user IS NULL OR user_id = @user)
         ORDER BY seq LIMIT @limit`,
      )
      .all({
        corpus: filter.corpusId ?? null,
        role: filter.role ?? null,
        user: filter.userId ?? null,
        after: page.after ?? 0,
        limit: page.limit + 1,
      });
    return toPage(rows, page.limit, (r) => r.seq, this.map);
  }

  async setEnabled(id: string, enabled: boolean): Promise<ApiKeyRecord | undefined> {
    this.db.prepare('UPDATE api_keys SET enabled = ?, updated_at = ? WHERE id = ?').run(enabled ? 1 : 0, nowIso(), id);
    return this.getById(id);
  }

  async replaceSecret(id: string, secretHash: string, secretEncrypted: string | null): Promise<ApiKeyRecord | undefined> {
    this.db
      .prepare('UPDATE api_keys SET secret_hash = ?, secret_encrypted = ?, updated_at = ? WHERE id = ?')
      .run(secretHash, secretEncrypted, nowIso(), id);
    return this.getById(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id).changes > 0;
  }
}
