import type { Page, PageRequest, QueryHistoryFilter, QueryHistoryRecord, QueryHistoryRepository } from '../types.js';
import { toPage, type Db } from './database.js';

interface HistoryRow {
  seq: number;
  id: string;
  query_text: string;
  corpus_key: string | null;
  corpus_ids: string;
  request: string;
  chat_id: string | null;
  latency_millis: number;
  started_at: string;
  spans: string;
  generation: string | null;
  factual_consistency_score: number | null;
}

const map = (r: HistoryRow): QueryHistoryRecord => ({
  id: r.id,
  query_text: r.query_text,
  corpus_key: r.corpus_key,
  corpus_ids: JSON.parse(r.corpus_ids),
  request: JSON.parse(r.request),
  chat_id: r.chat_id,
  latency_millis: r.latency_millis,
  started_at: r.started_at,
  spans: JSON.parse(r.spans),
  generation: r.generation,
  factual_consistency_score: r.factual_consistency_score,
});

export class SqliteQueryHistory implements QueryHistoryRepository {
  private readonly insert;
  private readonly byId;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO query_history (id, query_text, corpus_key, corpus_ids, request, chat_id, latency_millis, started_at,
                                  spans, generation, factual_consistency_score)
       VALUES (@id, @query_text, @corpus_key, @corpus_ids, @request, @chat_id, @latency_millis, @started_at,
               @spans, @generation, @factual_consistency_score)`,
    );
    this.byId = db.prepare<[string], HistoryRow>('SELECT * FROM query_history WHERE id = ?');
  }

  async create(r: QueryHistoryRecord): Promise<void> {
    this.insert.run({
      ...r,
      corpus_ids: JSON.stringify(r.corpus_ids),
      request: JSON.stringify(r.request),
      spans: JSON.stringify(r.spans),
    });
  }

  async get(id: string): Promise<QueryHistoryRecord | undefined> {
    const row = this.byId.get(id);
    return row && map(row);
  }

  async list(page: PageRequest, filter: QueryHistoryFilter): Promise<Page<QueryHistoryRecord>> {
    const where: string[] = ['h.seq > ?'];
    const params: unknown[] = [page.after ?? 0];
    const searched = (ids: readonly number[]) => {
      where.push('EXISTS (SELECT 1 FROM json_each(h.corpus_ids) c WHERE c.value IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(ids));
    };
    // A bound key sees a query only when it sees every corpus the query searched.
    if (filter.visibleCorpusIds) {
      where.push('json_array_length(h.corpus_ids) > 0 AND NOT EXISTS (SELECT 1 FROM json_each(h.corpus_ids) c WHERE c.value NOT IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(filter.visibleCorpusIds));
    }
    if (filter.corpusId !== undefined) searched([filter.corpusId]);
    if (filter.startedAfter) where.push('h.started_at > ?'), params.push(filter.startedAfter);
    if (filter.startedBefore) where.push('h.started_at < ?'), params.push(filter.startedBefore);
    if (filter.chatId) where.push('h.chat_id = ?'), params.push(filter.chatId);
    if (filter.historyId) where.push('h.id = ?'), params.push(filter.historyId);
    const rows = this.db
      .prepare<unknown[], HistoryRow>(`SELECT h.* FROM query_history h WHERE ${where.join(' AND ')} ORDER BY h.seq LIMIT ?`)
      .all(...params, page.limit + 1);
    return toPage(rows, page.limit, (r) => r.seq, map);
  }
}
