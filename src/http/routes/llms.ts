import { Type } from '@sinclair/typebox';
import type { CompletionRequest } from '../../domain/generation/completions.js';
import { DEFAULT_PROMPT_TEMPLATE } from '../../generation/prompt/render.js';
import { decodePageKey, listMetadata, pageOf, pagingQuery } from '../pagination.js';
import { ChatCompletionBody, CreateLlmBody, ListLlmsResponse, ListPresetsResponse, Llm } from '../schemas/generation.js';
import { PathId } from '../schemas/common.js';
import { clientGone } from '../client-gone.js';
import { sendEventStream } from '../sse.js';
import { op, type App, type Services } from '../types.js';

/** LLMs, generation presets, and the OpenAI-compatible chat-completions endpoint. */
export function llmRoutes(app: App, { llms, completions }: Services): void {
  app.route({
    ...op('listLLMs'),
    schema: {
      querystring: Type.Object({ ...pagingQuery, filter: Type.Optional(Type.String({ maxLength: 1024 })) }),
      response: { 200: ListLlmsResponse },
    },
    handler: async (req) => {
      const { limit, page_key, filter } = req.query;
      const page = await llms.list({ limit, after: decodePageKey('llms', page_key) }, { filter });
      return { llms: page.items, metadata: listMetadata('llms', page.next) };
    },
  });

  app.route({
    ...op('createLLM'),
    schema: { body: CreateLlmBody, response: { 201: Llm } },
    handler: async (req, reply) => reply.code(201).send(await llms.create(req.body)),
  });

  app.route({
    ...op('getLLM'),
    schema: { params: Type.Object({ llm_id: PathId }), response: { 200: Llm } },
    handler: async (req) => llms.get(req.params.llm_id),
  });

  app.route({
    ...op('deleteLLM'),
    schema: { params: Type.Object({ llm_id: PathId }) },
    handler: async (req, reply) => {
      await llms.delete(req.params.llm_id);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('listGenerationPresets'),
    schema: {
      querystring: Type.Object({ ...pagingQuery, llm_name: Type.Optional(Type.String({ maxLength: 255 })) }),
      response: { 200: ListPresetsResponse },
    },
    handler: async (req) => {
      const { limit, page_key, llm_name } = req.query;
      const all = llms.presets.filter((p) => llm_name === undefined || p.llm_name === llm_name);
      const page = pageOf('generation_presets', all, limit, page_key);
      return {
        generation_presets: page.items.map((p) => ({ ...p, prompt_template: p.prompt_template ?? DEFAULT_PROMPT_TEMPLATE })),
        metadata: page.metadata,
      };
    },
  });

  app.route({
    ...op('createChatCompletion'),
    schema: { body: ChatCompletionBody },
    handler: async (req, reply) => {
      const body = req.body as CompletionRequest;
      const prepared = await completions.prepare(body);
      if (body.stream) return sendEventStream(req, reply, (signal) => prepared.stream(signal), 'openai');
      return reply.send(await prepared.complete(clientGone(reply)));
    },
  });
}
