import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { Corpus, CorpusKeyParams, CreateCorpusBody, ListCorporaQuery, ListCorporaResponse } from '../schemas/corpora.js';
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
}
