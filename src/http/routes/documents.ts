import type { DocumentBody } from '../../ingestion/documents.js';
import { decodePageKey, listMetadata } from '../pagination.js';
import { CorpusKeyParams } from '../schemas/corpora.js';
import { CreateDocumentBody, DocumentParams, DocumentView, ListDocumentsQuery, ListDocumentsResponse, MetadataBody } from '../schemas/documents.js';
import { op, type App, type Services } from '../types.js';

export function documentRoutes(app: App, { documents }: Services): void {
  app.route({
    ...op('createCorpusDocument'),
    schema: { params: CorpusKeyParams, body: CreateDocumentBody, response: { 201: DocumentView } },
    handler: async (req, reply) => reply.code(201).send((await documents.create(req.params.corpus_key, req.body as DocumentBody)).document),
  });

  app.route({
    ...op('listCorpusDocuments'),
    schema: { params: CorpusKeyParams, querystring: ListDocumentsQuery, response: { 200: ListDocumentsResponse } },
    handler: async (req) => {
      const { limit, page_key, metadata_filter } = req.query;
      const page = await documents.list(req.params.corpus_key, { limit, after: decodePageKey('documents', page_key) }, metadata_filter);
      return { documents: page.items, metadata: listMetadata('documents', page.next) };
    },
  });

  app.route({
    ...op('getCorpusDocument'),
    schema: { params: DocumentParams, response: { 200: DocumentView } },
    handler: async (req) => documents.get(req.params.corpus_key, req.params.document_id),
  });

  app.route({
    ...op('deleteCorpusDocument'),
    schema: { params: DocumentParams },
    handler: async (req, reply) => {
      await documents.delete(req.params.corpus_key, req.params.document_id);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('updateCorpusDocument'),
    schema: { params: DocumentParams, body: MetadataBody, response: { 200: DocumentView } },
    handler: async (req) => documents.setMetadata(req.params.corpus_key, req.params.document_id, req.body.metadata ?? {}, true),
  });

  app.route({
    ...op('replaceCorpusDocumentMetadata'),
    schema: { params: DocumentParams, body: MetadataBody, response: { 200: DocumentView } },
    handler: async (req) => documents.setMetadata(req.params.corpus_key, req.params.document_id, req.body.metadata ?? {}, false),
  });
}
