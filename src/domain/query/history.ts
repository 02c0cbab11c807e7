import type { Principal } from '../../auth/principal.js';
import type { Page, PageRequest, QueryHistoryRecord, Storage } from '../../storage/types.js';
import { visibleCorpusIds } from '../access.js';
import { notFound } from '../errors.js';

export interface QueryHistoryFilterInput {
  corpus_key?: string;
  started_after?: string;
  started_before?: string;
  chat_id?: string;
  history_id?: string;
}

const summary = (r: QueryHistoryRecord) => ({
  id: r.id,
  query: r.query_text,
  ...(r.corpus_key ? { corpus_key: r.corpus_key } : {}),
  started_at: r.started_at,
  latency_millis: r.latency_millis,
  ...(r.chat_id ? { chat_id: r.chat_id } : {}),
  ...(r.generation !== null ? { generation: r.generation } : {}),
  ...(r.factual_consistency_score !== null ? { factual_consistency_score: r.factual_consistency_score } : {}),
});

const detail = (r: QueryHistoryRecord) => ({
  id: r.id,
  query: r.request,
  ...(r.chat_id ? { chat_id: r.chat_id } : {}),
  latency_millis: r.latency_millis,
  started_at: r.started_at,
  spans: r.spans,
});

/**
 * Saved queries. A principal sees the queries all of whose corpora it can see (their results and
 * answers quote them); a query it cannot see is "not found", not "forbidden", so ids do not leak.
 */
export class QueryHistoryService {
  constructor(private readonly storage: Storage) {}

  async list(p: Principal, page: PageRequest, f: QueryHistoryFilterInput): Promise<Page<ReturnType<typeof summary>>> {
    let corpusId: number | undefined;
    if (f.corpus_key !== undefined) {
      const corpus = await this.storage.corpora.getByKey(f.corpus_key);
      if (!corpus) return { items: [] };
      corpusId = corpus.id;
    }
    const visible = visibleCorpusIds(p);
    const result = await this.storage.queryHistory.list(page, {
      ...(visible ? { visibleCorpusIds: visible } : {}),
      ...(corpusId !== undefined ? { corpusId } : {}),
      ...(f.started_after ? { startedAfter: new Date(f.started_after).toISOString() } : {}),
      ...(f.started_before ? { startedBefore: new Date(f.started_before).toISOString() } : {}),
      ...(f.chat_id ? { chatId: f.chat_id } : {}),
      ...(f.history_id ? { historyId: f.history_id } : {}),
    });
    return { ...result, items: result.items.map(summary) };
  }

  async get(p: Principal, id: string): Promise<ReturnType<typeof detail>> {
    const r = await this.storage.queryHistory.get(id);
    const visible = visibleCorpusIds(p);
    if (!r || (visible && !r.corpus_ids.every((c) => visible.includes(c)))) throw notFound('Query', id);
    return detail(r);
  }
}
