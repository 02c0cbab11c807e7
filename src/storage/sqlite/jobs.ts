import type { JobRecord, JobRepository, JobState, NewJob, Page, PageRequest } from '../types.js';
import { nowIso, toPage, type Db } from './database.js';

interface JobRow extends Omit<JobRecord, 'payload'> {
  seq: number;
  payload: string;
}

const map = ({ seq: _seq, payload, ...rest }: JobRow): JobRecord => ({ ...rest, payload: JSON.parse(payload) });

/** The durable job queue: jobs survive restarts; a job left `started` by a crash is queued again. */
export class SqliteJobs implements JobRepository {
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  }

  async create(job: NewJob): Promise<JobRecord> {
    this.db
      .prepare(
        `INSERT INTO jobs (id, type, corpus_id, corpus_key, state, payload, created_by_username, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(job.id, job.type, job.corpus_id, job.corpus_key, JSON.stringify(job.payload), job.created_by_username, nowIso());
    return map(this.byId.get(job.id)!);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.byId.get(id);
    return row && map(row);
  }

  async list(
    page: PageRequest,
    filter: { corpusIds?: number[]; states?: JobState[]; createdAfter?: string } = {},
  ): Promise<Page<JobRecord>> {
    const rows = this.db
      .prepare<Record<string, unknown>, JobRow>(
        `SELECT * FROM jobs WHERE seq > @after
           AND (@corpora IS NULL OR corpus_id IN (SELECT value FROM json_each(@corpora)))
           AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
           AND (@created_after IS NULL OR created_at > @created_after)
         ORDER BY seq LIMIT @limit`,
      )
      .all({
        after: page.after ?? 0,
        corpora: filter.corpusIds ? JSON.stringify(filter.corpusIds) : null,
        states: filter.states ? JSON.stringify(filter.states) : null,
        created_after: filter.createdAfter ?? null,
        limit: page.limit + 1,
      });
    return toPage(rows, page.limit, (r) => r.seq, map);
  }

  async claimNext(): Promise<JobRecord | undefined> {
    const row = this.db
      .prepare<[string], JobRow>(
        `UPDATE jobs SET state = 'started', started_at = ?, attempts = attempts + 1
         WHERE seq = (SELECT seq FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1)
         RETURNING *`,
      )
      .get(nowIso());
    return row && map(row);
  }

  async finish(id: string, state: 'completed' | 'failed' | 'aborted', error?: string): Promise<void> {
    this.db.prepare('UPDATE jobs SET state = ?, error = ?, completed_at = ? WHERE id = ?').run(state, error ?? null, nowIso(), id);
  }

  async requeueStarted(): Promise<number> {
    return this.db.prepare("UPDATE jobs SET state = 'queued', started_at = NULL WHERE state = 'started'").run().changes;
  }
}
