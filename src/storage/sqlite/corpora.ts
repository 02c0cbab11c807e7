import { conflict } from '../../domain/errors.js';
import type { CorpusPatch, CorpusRecord, CorpusRepository, NewCorpus, Page, PageRequest } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface CorpusRow {
  id: number;
  key: string;
  name: string;
  description: string;
  enabled: number;
  save_history: number;
  queries_are_answers: number;
  documents_are_questions: number;
  encoder_name: string;
  filter_attributes: string;
  custom_dimensions: string;
  vector_dimensions: number | null;
  created_at: string;
}

const map = (r: CorpusRow): CorpusRecord => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  enabled: bool(r.enabled),
  save_history: bool(r.save_history),
  queries_are_answers: bool(r.queries_are_answers),
  documents_are_questions: bool(r.documents_are_questions),
  encoder_name: r.encoder_name,
  filter_attributes: JSON.parse(r.filter_attributes),
  custom_dimensions: JSON.parse(r.custom_dimensions),
  vector_dimensions: r.vector_dimensions,
  created_at: r.created_at,
});

export class SqliteCorpora implements CorpusRepository {
  private readonly byKey;
  private readonly byId;
  private readonly byKeys;

  constructor(private readonly db: Db) {
    this.byKey = db.prepare<[string], CorpusRow>('SELECT * FROM corpora WHERE key = ?');
    this.byId = db.prepare<[number], CorpusRow>('SELECT * FROM corpora WHERE id = ?');
    this.byKeys = db.prepare<[string], CorpusRow>(
      'SELECT * FROM corpora WHERE key IN (SELECT value FROM json_each(?)) ORDER BY id',
    );
  }

  async create(c: NewCorpus): Promise<CorpusRecord> {
    try {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO corpora (key, name, description, save_history, queries_are_answers, documents_are_questions,
                                encoder_name, filter_attributes, custom_dimensions, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(c.key, c.name, c.description, c.save_history ? 1 : 0, c.queries_are_answers ? 1 : 0,
          c.documents_are_questions ? 1 : 0, c.encoder_name, JSON.stringify(c.filter_attributes),
          JSON.stringify(c.custom_dimensions), nowIso());
      return map(this.byId.get(Number(lastInsertRowid))!);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw conflict(`A corpus with key '${c.key}' already exists`);
      }
      throw err;
    }
  }

  async getByKey(key: string): Promise<CorpusRecord | undefined> {
    const row = this.byKey.get(key);
    return row && map(row);
  }

  async getById(id: number): Promise<CorpusRecord | undefined> {
    const row = this.byId.get(id);
    return row && map(row);
  }

  async getManyByKey(keys: string[]): Promise<CorpusRecord[]> {
    if (keys.length === 0) return [];
    if (keys.length === 1) {
      const row = this.byKey.get(keys[0]!);
      return row ? [map(row)] : [];
    }
    return this.byKeys.all(JSON.stringify(keys)).map(map);
  }

  async list(
    page: PageRequest,
    filter: { onlyIds?: number[]; nameRegex?: string; ids?: number[] } = {},
  ): Promise<Page<CorpusRecord>> {
    const rows = this.db
      .prepare<unknown[], CorpusRow>(
        `SELECT * FROM corpora WHERE id > @after
           AND (@only IS NULL OR id IN (SELECT value FROM json_each(@only)))
           AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
           AND (@re IS NULL OR name REGEXP @re OR description REGEXP @re)
         ORDER BY id LIMIT @limit`,
      )
      .all({
        after: page.after ?? 0,
        only: filter.onlyIds ? JSON.stringify(filter.onlyIds) : null,
        ids: filter.ids ? JSON.stringify(filter.ids) : null,
        re: filter.nameRegex ?? null,
        limit: page.limit + 1,
      });
    return toPage(rows, page.limit, (r) => r.id, map);
  }

  async update(key: string, patch: CorpusPatch): Promise<CorpusRecord | undefined> {
    const row = this.byKey.get(key);
    if (!row) return undefined;
    const flag = (v: boolean | undefined, old: number) => (v === undefined ? old : v ? 1 : 0);
    this.db
      .prepare(
        `UPDATE corpora SET enabled = ?, name = ?, description = ?, save_history = ?, filter_attributes = ?
         WHERE id = ?`,
      )
      .run(
        flag(patch.enabled, row.enabled),
        patch.name ?? row.name,
        patch.description ?? row.description,
        flag(patch.save_history, row.save_history),
        patch.filter_attributes ? JSON.stringify(patch.filter_attributes) : row.filter_attributes,
        row.id,
      );
    return map(this.byId.get(row.id)!);
  }

  async delete(key: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM corpora WHERE key = ?').run(key).changes > 0;
  }
}
