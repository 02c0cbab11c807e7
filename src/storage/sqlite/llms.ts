import { conflict } from '../../domain/errors.js';
import type { LlmRecord, LlmRepository, NewLlm, Page, PageRequest } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface LlmRow extends Omit<LlmRecord, 'id' | 'headers' | 'test_model_parameters' | 'enabled'> {
  id: number;
  headers: string;
  test_model_parameters: string;
  enabled: number;
}

const PREFIX = 'llm_';

const map = (r: LlmRow): LlmRecord => ({
  ...r,
  id: `${PREFIX}${r.id}`,
  headers: JSON.parse(r.headers),
  test_model_parameters: JSON.parse(r.test_model_parameters),
  enabled: bool(r.enabled),
});

/**
 * The row id behind an API id, or undefined when it is not one this adapter hands out. Only the
 * canonical spelling matches (`llm_0100` is not `llm_100`), so each LLM has exactly one id.
 */
const rowId = (id: string): number | undefined => {
  const m = /^llm_([1-9]\d{0,14})$/.exec(id);
  return m ? Number(m[1]) : undefined;
};

/** Registered LLM connections; the paging position is the row id, which grows with creation. */
export class SqliteLlms implements LlmRepository {
  private readonly insert;
  private readonly byId;
  private readonly byName;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<Record<string, unknown>, LlmRow>(
      `INSERT INTO llms (name, description, type, model, uri, auth_encrypted, headers, test_model_parameters, created_at)
       VALUES (@name, @description, @type, @model, @uri, @auth_encrypted, @headers, @test_model_parameters, @created_at)
       RETURNING *`,
    );
    this.byId = db.prepare<[number], LlmRow>('SELECT * FROM llms WHERE id = ?');
    this.byName = db.prepare<[string], LlmRow>('SELECT * FROM llms WHERE name = ?');
    this.remove = db.prepare<[number]>('DELETE FROM llms WHERE id = ?');
  }

  async create(llm: NewLlm): Promise<LlmRecord> {
    try {
      const row = this.insert.get({
        name: llm.name,
        description: llm.description,
        type: llm.type,
        model: llm.model,
        uri: llm.uri,
        auth_encrypted: llm.auth_encrypted,
        headers: JSON.stringify(llm.headers),
        test_model_parameters: JSON.stringify(llm.test_model_parameters),
        created_at: nowIso(),
      });
      return map(row!);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict(`An LLM named '${llm.name}' already exists`);
      throw err;
    }
  }

  async get(id: string): Promise<LlmRecord | undefined> {
    const n = rowId(id);
    const row = n === undefined ? undefined : this.byId.get(n);
    return row && map(row);
  }

  async getByName(name: string): Promise<LlmRecord | undefined> {
    const row = this.byName.get(name);
    return row && map(row);
  }

  async list(page: PageRequest, filter: { nameRegex?: string } = {}): Promise<Page<LlmRecord>> {
    const rows = this.db
      .prepare<Record<string, unknown>, LlmRow>(
        'SELECT * FROM llms WHERE id > @after AND (@re IS NULL OR name REGEXP @re) ORDER BY id LIMIT @limit',
      )
      .all({ after: page.after ?? 0, re: filter.nameRegex ?? null, limit: page.limit + 1 });
    return toPage(rows, page.limit, (r) => r.id, map);
  }

  async delete(id: string): Promise<boolean> {
    const n = rowId(id);
    return n !== undefined && this.remove.run(n).changes > 0;
  }
}
