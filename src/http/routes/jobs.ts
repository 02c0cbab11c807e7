import { Type } from '@sinclair/typebox';
import { decodePageKey, listMetadata, pagingQuery } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { CorpusKey, ListMetadata, PathId, StringEnum } from '../schemas/common.js';
import { op, type App, type Services } from '../types.js';

const JobState = StringEnum(['queued', 'started', 'completed', 'failed', 'failed_will_retry', 'aborted']);

const Job = Type.Object({
  id: Type.String(),
  type: Type.String(),
  corpus_keys: Type.Array(Type.String()),
  state: Type.String(),
  created_at: Type.String(),
  started_at: Type.Optional(Type.String()),
  completed_at: Type.Optional(Type.String()),
  created_by_username: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});

const ListJobsQuery = Type.Object({
  ...pagingQuery,
  corpus_key: Type.Optional(Type.Array(CorpusKey)),
  state: Type.Optional(Type.Array(JobState)),
  after: Type.Optional(Type.String({ format: 'date-time' })),
});

export function jobRoutes(app: App, { jobs }: Services): void {
  app.route({
    ...op('listJobs'),
    schema: { querystring: ListJobsQuery, response: { 200: Type.Object({ jobs: Type.Array(Job), metadata: ListMetadata }) } },
    handler: async (req) => {
      const { limit, page_key, ...filter } = req.query;
      const page = await jobs.list(principalOf(req), { limit, after: decodePageKey('jobs', page_key) }, filter);
      return { jobs: page.items, metadata: listMetadata('jobs', page.next) };
    },
  });

  app.route({
    ...op('getJob'),
    schema: { params: Type.Object({ job_id: PathId }), response: { 200: Job } },
    handler: async (req) => jobs.get(principalOf(req), req.params.job_id),
  });
}
