import type { AppClientPatch, AppClientRecord, AppClientRepository, NewAppClient, Page, PageRequest } from '../types.js';
import { nowIso, toPage, type Db } from './database.js';

interface ClientRow extends Omit<AppClientRecord, 'api_roles'> {
  seq: number;
  api_roles: string;
}

export class SqliteAppClients implements AppClientRepository {
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], ClientRow>('SELECT * FROM app_clients WHERE id = ?');
  }

  private map = ({ seq: _seq, api_roles, ...rest }: ClientRow): AppClientRecord => ({
    ...rest,
    api_roles: JSON.parse(api_roles),
  });

  async create(c: NewAppClient): Promise<AppClientRecord> {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO app_clients (id, name, description, client_id, client_secret_hash, client_secret_encrypted,
                                  api_roles, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.name, c.description, c.client_id, c.client_secret_hash, c.client_secret_encrypted,
        JSON.stringify(c.api_roles), now, now);
    return this.map(this.byId.get(c.id)!);
  }

  async getById(id: string): Promise<AppClientRecord | undefined> {
    const row = this.byId.get(id);
    return row && this.map(row);
  }

  async getByClientId(clientId: string): Promise<AppClientRecord | undefined> {
    const row = this.db.prepare<[string], ClientRow>('SELECT * FROM app_clients WHERE client_id = ?').get(clientId);
    return row && this.map(row);
  }

  async list(page: PageRequest, filter: { nameRegex?: string } = {}): Promise<Page<AppClientRecord>> {
    const rows = this.db
      .prepare<unknown[], ClientRow>(
        `SELECT * FROM app_clients WHERE seq > @after AND (@re IS NULL OR name REGEXP @re) ORDER BY seq LIMIT @limit`,
      )
      .all({ after: page.after ?? 0, re: filter.nameRegex ?? null, limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.seq, this.map);
  }

  async update(id: string, patch: AppClientPatch): Promise<AppClientRecord | undefined> {
    const row = this.byId.get(id);
    if (!row) return undefined;
    this.db
      .prepare('UPDATE app_clients SET description = ?, api_roles = ?, updated_at = ? WHERE id = ?')
      .run(
        patch.description === undefined ? row.description : patch.description,
        patch.api_roles === undefined ? row.api_roles : JSON.stringify(patch.api_roles),
        nowIso(),
        id,
      );
    return this.getById(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM app_clients WHERE id = ?').run(id).changes > 0;
  }
}
