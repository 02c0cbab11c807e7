import type { FastifyReply } from 'fastify';
import { checkRegex } from '../../domain/regex.js';
import { planCorpusQuery, planQuery, planSearchCorpus, type QueryPlan } from '../../domain/query/plan.js';
import type { QueryOutcome } from '../../domain/query/query.js';
import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { CorpusKeyParams } from '../schemas/corpora.js';
import {
  ListQueryHistoriesQuery, ListQueryHistoriesResponse, ListRerankersQuery, ListRerankersResponse, QueryBody,
  QueryCorpusBody, QueryHistory, QueryIdParams, QueryResponse, SearchCorpusQuery,
} from '../schemas/query.js';
import { op, type App, type Services } from '../types.js';

/** Server-sent events in the order the v2 API streams them; without generation, results then end. */
function stream(reply: FastifyReply, outcome: QueryOutcome): FastifyReply {
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(event('search_results', { search_results: outcome.search_results }) + event('end', {}));
}

export function queryRoutes(app: App, { query, queryHistory, rerankers }: Services): void {
  const answer = async (plan: QueryPlan, reply: FastifyReply) => {
    const outcome = await query.run(plan);
    if (plan.stream_response) return stream(reply, outcome);
    // Quarry does not rewrite queries; asked to, it searches the query as given and says so.
    const warnings = plan.rewriting_requested ? { warnings: ['intelligent_query_rewriting_failed'] } : {};
    return reply.send({ search_results: outcome.search_results, ...warnings });
  };

  app.route({
    ...op('searchCorpus'),
    schema: { params: CorpusKeyParams, querystring: SearchCorpusQuery, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planSearchCorpus(req.params.corpus_key, req.query), reply),
  });

  app.route({
    ...op('queryCorpus'),
    schema: { params: CorpusKeyParams, body: QueryCorpusBody, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planCorpusQuery(req.params.corpus_key, req.body as Record<string, unknown>), reply),
  });

  app.route({
    ...op('query'),
    schema: { body: QueryBody, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planQuery(req.body as Record<string, unknown>), reply),
  });

  app.route({
    ...op('getQueryHistories'),
    schema: { querystring: ListQueryHistoriesQuery, response: { 200: ListQueryHistoriesResponse } },
    handler: async (req) => {
      const { limit, page_key, ...filter } = req.query;
      const page = await queryHistory.list(principalOf(req), { limit, after: decodePageKey('queries', page_key) }, filter);
      return { queries: page.items, metadata: listMetadata('queries', page.next) };
    },
  });

  app.route({
    ...op('getQueryHistory'),
    schema: { params: QueryIdParams, response: { 200: QueryHistory } },
    handler: async (req) => queryHistory.get(principalOf(req), req.params.query_id),
  });

  app.route({
    ...op('listRerankers'),
    schema: { querystring: ListRerankersQuery, response: { 200: ListRerankersResponse } },
    handler: async (req) => {
      const pattern = checkRegex('filter', req.query.filter);
      const re = pattern ? new RegExp(pattern) : null;
      const all = rerankers.catalog.entries.filter((r) => r.listed && (!re || re.test(r.name)));
      const start = decodePageKey('rerankers', req.query.page_key) ?? 0;
      const items = all.slice(start, start + req.query.limit);
      const next = start + req.query.limit < all.length ? start + req.query.limit : undefined;
      return { rerankers: items.map((r) => ({ id: r.id, name: r.name, enabled: true })), metadata: listMetadata('rerankers', next) };
    },
  });
}
