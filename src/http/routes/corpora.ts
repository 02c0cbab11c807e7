import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import {
  ComputeSizeResponse, Corpus, CorpusKeyParams, CreateCorpusBody, ListCorporaQuery, ListCorporaResponse,
  ReplaceFilterAttributesBody, UpdateCorpusBody,
} from '../schemas/corpora.js';
import { Type } from '@sinclair/typebox';
import { op, type App, type Services } from '../types.js';

export function corpusRoutes(app: App, { corpora }: Services): void {
  app.route({
    ...op('createCorpus'),
    schema: { body: CreateCorpusBody, response: { 201: Corpus } },
    handler: async (req, reply) => reply.code(201).send(await corpora.create(req.body)),
  });

  app.route({
    ...op('listCorpora'),
    schema: { querystring: ListCorporaQuery, response: { 200: ListCorporaResponse } },
    handler: async (req) => {
      const { limit, page_key, filter, corpus_id } = req.query;
      const page = await corpora.list(principalOf(req), { limit, after: decodePageKey('corpora', page_key) }, { filter, corpus_id });
      return { corpora: page.items, metadata: listMetadata('corpora', page.next) };
    },
  });

  app.route({
    ...op('getCorpus'),
    schema: { params: CorpusKeyParams, response: { 200: Corpus } },
    handler: async (req) => corpora.get(req.params.corpus_key),
  });

  app.route({
    ...op('deleteCorpus'),
    schema: { params: CorpusKeyParams },
    handler: async (req, reply) => {
      await corpora.delete(req.params.corpus_key);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('updateCorpus'),
    schema: { params: CorpusKeyParams, body: UpdateCorpusBody, response: { 200: Corpus } },
    handler: async (req) => corpora.update(req.params.corpus_key, req.body),
  });

  app.route({
    ...op('resetCorpus'),
    schema: { params: CorpusKeyParams },
    handler: async (req, reply) => {
      await corpora.reset(req.params.corpus_key);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('replaceFilterAttributes'),
    schema: {
      params: CorpusKeyParams,
      body: ReplaceFilterAttributesBody,
      response: { 200: Type.Object({ job_id: Type.String() }) },
    },
    handler: async (req) => corpora.replaceFilterAttributes(principalOf(req), req.params.corpus_key, req.body.filter_attributes),
  });

  app.route({
    ...op('computeCorpusSize'),
    schema: { params: CorpusKeyParams, response: { 200: ComputeSizeResponse } },
    handler: async (req) => corpora.computeSize(req.params.corpus_key),
  });
}
