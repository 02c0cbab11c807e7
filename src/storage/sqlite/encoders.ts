import { conflict } from '../../domain/errors.js';
import type { EncoderRecord, EncoderRepository, NewEncoder, Page, PageRequest } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface EncoderRow extends Omit<EncoderRecord, 'config' | 'enabled'> {
  config: string;
  enabled: number;
}

const map = (r: EncoderRow): EncoderRecord => ({ ...r, config: JSON.parse(r.config), enabled: bool(r.enabled) });

export class SqliteEncoders implements EncoderRepository {
  constructor(private readonly db: Db) {}

  async create(e: NewEncoder): Promise<EncoderRecord> {
    try {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO encoders (name, type, description, config, auth_encrypted, output_dimensions, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.name, e.type, e.description, JSON.stringify(e.config), e.auth_encrypted, e.output_dimensions, nowIso());
      return map(this.db.prepare<[number], EncoderRow>('SELECT * FROM encoders WHERE id = ?').get(Number(lastInsertRowid))!);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict(`An encoder named '${e.name}' already exists`);
      throw err;
    }
  }

  async getByName(name: string): Promise<EncoderRecord | undefined> {
    const row = this.db.prepare<[string], EncoderRow>('SELECT * FROM encoders WHERE name = ?').get(name);
    return row && map(row);
  }

  async list(page: PageRequest, filter: { nameRegex?: string } = {}): Promise<Page<EncoderRecord>> {
    const rows = this.db
      .prepare<Record<string, unknown>, EncoderRow>(
        'SELECT * FROM encoders WHERE id > @after AND (@re IS NULL OR name REGEXP @re) ORDER BY id LIMIT @limit',
      )
      .all({ after: page.after ?? 0, re: filter.nameRegex ?? null, limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.id, map);
  }
}
