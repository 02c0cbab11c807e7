import { Type } from '@sinclair/typebox';
import { DocumentParams } from '../schemas/documents.js';
import {
  CorrectBody, CorrectResponse, EvaluateBody, EvaluateResponse, ListCorrectorsResponse, SummarizeBody, SummarizeResponse,
} from '../schemas/generation.js';
import { decodePageKey, listMetadata, pagingQuery } from '../pagination.js';
import { clientGone } from '../client-gone.js';
import { sendEventStream } from '../sse.js';
import { op, type App, type Services } from '../types.js';

/** Factual consistency, hallucination correction and document summaries. */
export function generationRoutes(app: App, { consistency, correctors, summaries }: Services): void {
  app.route({
    ...op('evaluateFactualConsistency'),
    schema: { body: EvaluateBody, response: { 200: EvaluateResponse } },
    handler: async (req) => ({
      score: await consistency.evaluate(req.body.generated_text, req.body.source_texts, req.body.model_parameters?.model_name),
    }),
  });

  app.route({
    ...op('listHallucinationCorrectors'),
    schema: {
      querystring: Type.Object({ ...pagingQuery, filter: Type.Optional(Type.String({ maxLength: 1024 })) }),
      response: { 200: ListCorrectorsResponse },
    },
    handler: async (req) => {
      const all = correctors.list(req.query.filter);
      const start = decodePageKey('hallucination_correctors', req.query.page_key) ?? 0;
      const next = start + req.query.limit < all.length ? start + req.query.limit : undefined;
      return { hallucination_correctors: all.slice(start, start + req.query.limit), metadata: listMetadata('hallucination_correctors', next) };
    },
  });

  app.route({
    ...op('correctHallucinations'),
    schema: { body: CorrectBody, response: { 200: CorrectResponse } },
    handler: async (req) =>
      correctors.correct(req.body.model_name, req.body.generated_text, req.body.documents.map((d) => d.text), req.body.query),
  });

  app.route({
    ...op('summarizeCorpusDocument'),
    schema: {
      params: DocumentParams,
      body: SummarizeBody,
      response: { 200: SummarizeResponse },
    },
    handler: async (req, reply) => {
      const prepared = await summaries.prepare(req.params.corpus_key, req.params.document_id, req.body);
      if (req.body.stream_response) return sendEventStream(req, reply, (signal) => prepared.events(signal));
      for await (const _ of prepared.events(clientGone(reply))) void _;
      return { summary: prepared.summary ?? '', ...(prepared.custom_prompt ? { rendered_prompt: prepared.rendered_prompt } : {}) };
    },
  });
}
