import type { FastifyReply, FastifyRequest } from 'fastify';
import { collect, type AnswerResult } from '../../domain/generation/answer.js';
import { generationSettings } from '../../domain/generation/params.js';
import { checkRegex } from '../../domain/regex.js';
import { planCorpusQuery, planQuery, planSearchCorpus, type QueryPlan } from '../../domain/query/plan.js';
import type { QueryOutcome } from '../../domain/query/query.js';
import { decodePageKey, listMetadata, pageOf } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { CorpusKeyParams } from '../schemas/corpora.js';
import {
  ListQueryHistoriesQuery, ListQueryHistoriesResponse, ListRerankersQuery, ListRerankersResponse, QueryBody,
  QueryCorpusBody, QueryHistory, QueryIdParams, QueryResponse, SearchCorpusQuery,
} from '../schemas/query.js';
import { clientGone } from '../client-gone.js';
import { sendEventStream } from '../sse.js';
import { op, type App, type Services } from '../types.js';

/** A RAG answer as the non-streamed query response shows it. */
export function answerBody(r: AnswerResult) {
  return {
    search_results: r.search_results,
    summary: r.answer,
    response_language: r.response_language,
    ...(r.factual_consistency_score !== undefined ? { factual_consistency_score: r.factual_consistency_score } : {}),
    ...(r.rendered_prompt !== undefined ? { rendered_prompt: r.rendered_prompt } : {}),
    ...(r.warnings.length ? { warnings: r.warnings } : {}),
  };
}

export function queryRoutes(app: App, { query, queryHistory, rerankers, answers }: Services): void {
  const answer = async (plan: QueryPlan, generation: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const settings = generationSettings(generation);
    if (settings) {
      const prepared = await answers.prepare({ plan, settings });
      if (plan.stream_response) return sendEventStream(req, reply, (signal) => prepared.events(signal));
      return reply.send(answerBody(await collect(prepared, clientGone(reply))));
    }
    const outcome: QueryOutcome = await query.run(plan);
    // Quarry does not rewrite queries; asked to, it searches the query as given and says so.
    const warnings = plan.rewriting_requested ? { warnings: ['intelligent_query_rewriting_failed'] } : {};
    if (plan.stream_response) {
      return sendEventStream(req, reply, async function* () {
        yield { type: 'search_results', search_results: outcome.search_results };
        yield { type: 'end' };
      });
    }
    return reply.send({ search_results: outcome.search_results, ...warnings });
  };

  app.route({
    ...op('searchCorpus'),
    schema: { params: CorpusKeyParams, querystring: SearchCorpusQuery, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planSearchCorpus(req.params.corpus_key, req.query), undefined, req, reply),
  });

  app.route({
    ...op('queryCorpus'),
    schema: { params: CorpusKeyParams, body: QueryCorpusBody, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planCorpusQuery(req.params.corpus_key, req.body as Record<string, unknown>), req.body.generation, req, reply),
  });

  app.route({
    ...op('query'),
    schema: { body: QueryBody, response: { 200: QueryResponse } },
    handler: async (req, reply) => answer(planQuery(req.body as Record<string, unknown>), req.body.generation, req, reply),
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
      const page = pageOf('rerankers', all, req.query.limit, req.query.page_key);
      return { rerankers: page.items.map((r) => ({ id: r.id, name: r.name, enabled: true })), metadata: page.metadata };
    },
  });
}
