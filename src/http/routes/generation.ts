import { Type } from '@sinclair/typebox';
import { DocumentParams } from '../schemas/documents.js';
import {
  CorrectBody, CorrectResponse, EvaluateBody, EvaluateResponse, ListCorrectorsResponse, SummarizeBody, SummarizeResponse,
} from '../schemas/generation.js';
import { pageOf, pagingQuery } from '../pagination.js';
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
      const page = pageOf('hallucination_correctors', correctors.list(req.query.filter), req.query.limit, req.query.page_key);
      return { hallucination_correctors: page.items, metadata: page.metadata };
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
