import type { Principal } from '../../auth/principal.js';
import { newId } from '../../auth/secrets.js';
import type { CorpusRecord, JobRecord, JobState, JobType, Page, PageRequest, Storage } from '../../storage/types.js';
import { visibleCorpusIds } from '../access.js';
import { notFound } from '../errors.js';

export interface JobView {
  id: string;
  type: JobType;
  corpus_keys: string[];
  state: JobState;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  created_by_username?: string;
  /** Quarry addition: why a failed job failed. */
  error?: string;
}

export function jobView(j: JobRecord): JobView {
  return {
    id: j.id,
    type: j.type,
    corpus_keys: j.corpus_key ? [j.corpus_key] : [],
    state: j.state,
    created_at: j.created_at,
    ...(j.started_at ? { started_at: j.started_at } : {}),
    ...(j.completed_at ? { completed_at: j.completed_at } : {}),
    ...(j.created_by_username ? { created_by_username: j.created_by_username } : {}),
    ...(j.error ? { error: j.error } : {}),
  };
}

export const principalName = (p: Principal): string =>
  p.kind === 'app_client' ? p.client.name : (p.user?.username ?? `api key ${p.keyId}`);

/** Background jobs: queued in the database, run by the JobRunner, visible through /v2/jobs. */
export class JobService {
  constructor(
    private readonly storage: Storage,
    private readonly wake: () => void,
  ) {}

  async enqueue(type: JobType, corpus: CorpusRecord, payload: Record<string, unknown>, by: Principal | null): Promise<JobRecord> {
    const job = await this.storage.jobs.create({
      id: newId('job_'),
      type,
      corpus_id: corpus.id,
      corpus_key: corpus.key,
      payload,
      created_by_username: by ? principalName(by) : null,
    });
    this.wake();
    return job;
  }

  /** A principal sees the jobs of the corpora it may see. */
  async list(
    principal: Principal,
    page: PageRequest,
    q: { corpus_key?: string[]; state?: JobState[]; after?: string },
  ): Promise<Page<JobView>> {
    let corpusIds = visibleCorpusIds(principal);
    if (q.corpus_key && q.corpus_key.length > 0) {
      const named = (await this.storage.corpora.getManyByKey(q.corpus_key)).map((c) => c.id);
      corpusIds = corpusIds ? named.filter((id) => corpusIds!.includes(id)) : named;
    }
    const result = await this.storage.jobs.list(page, {
      corpusIds,
      states: q.state && q.state.length > 0 ? q.state : undefined,
      createdAfter: q.after ? new Date(q.after).toISOString() : undefined,
    });
    return { ...result, items: result.items.map(jobView) };
  }

  async get(principal: Principal, id: string): Promise<JobView> {
    const job = await this.storage.jobs.get(id);
    const visible = visibleCorpusIds(principal);
    if (!job || (visible && (job.corpus_id === null || !visible.includes(job.corpus_id)))) throw notFound('Job', id);
    return jobView(job);
  }
}
