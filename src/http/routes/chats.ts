import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PreparedTurn } from '../../domain/chats/chats.js';
import { collect } from '../../domain/generation/answer.js';
import { decodePageKey, listMetadata, pagingQuery } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import {
  ChatBody, ChatIdParams, ChatResponse, Chat, ListChatsResponse, ListTurnsResponse, Turn, TurnIdParams, UpdateTurnBody,
} from '../schemas/chats.js';
import { clientGone } from '../client-gone.js';
import { sendEventStream } from '../sse.js';
import { op, type App, type Services } from '../types.js';
import { Type } from '@sinclair/typebox';

/** A turn, streamed or whole as ChatFullResponse. */
async function respond(req: FastifyRequest, reply: FastifyReply, turn: PreparedTurn, stream: boolean) {
  if (stream) return sendEventStream(req, reply, (signal) => turn.answer.events(signal));
  const r = await collect(turn.answer, clientGone(reply));
  return reply.send({
    ...(turn.chat_id ? { chat_id: turn.chat_id, turn_id: turn.turn_id } : {}),
    answer: r.answer,
    response_language: r.response_language,
    search_results: r.search_results,
    ...(r.factual_consistency_score !== undefined ? { factual_consistency_score: r.factual_consistency_score } : {}),
    ...(r.rendered_prompt !== undefined ? { rendered_prompt: r.rendered_prompt } : {}),
    ...(r.warnings.length ? { warnings: r.warnings } : {}),
  });
}

export function chatRoutes(app: App, { chats }: Services): void {
  app.route({
    ...op('createChat'),
    schema: { body: ChatBody, response: { 200: ChatResponse } },
    handler: async (req, reply) => respond(req, reply, await chats.start(req.body as Record<string, unknown>), req.body.stream_response === true),
  });

  app.route({
    ...op('createChatTurn'),
    schema: { params: ChatIdParams, body: ChatBody, response: { 200: ChatResponse } },
    handler: async (req, reply) =>
      respond(req, reply, await chats.continue(principalOf(req), req.params.chat_id, req.body as Record<string, unknown>), req.body.stream_response === true),
  });

  app.route({
    ...op('listChats'),
    // Chats page in larger steps than other lists in the v2 API.
    schema: { querystring: Type.Object({ ...pagingQuery, limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }) }), response: { 200: ListChatsResponse } },
    handler: async (req) => {
      const page = await chats.list(principalOf(req), { limit: req.query.limit, after: decodePageKey('chats', req.query.page_key) });
      return { chats: page.items, metadata: listMetadata('chats', page.next) };
    },
  });

  app.route({
    ...op('getChat'),
    schema: { params: ChatIdParams, response: { 200: Chat } },
    handler: async (req) => chats.get(principalOf(req), req.params.chat_id),
  });

  app.route({
    ...op('deleteChat'),
    schema: { params: ChatIdParams },
    handler: async (req, reply) => {
      await chats.delete(principalOf(req), req.params.chat_id);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('listChatTurns'),
    schema: { params: ChatIdParams, response: { 200: ListTurnsResponse } },
    handler: async (req) => ({ turns: await chats.turns(principalOf(req), req.params.chat_id) }),
  });

  app.route({
    ...op('getChatTurn'),
    schema: { params: TurnIdParams, response: { 200: Turn } },
    handler: async (req) => chats.getTurn(principalOf(req), req.params.chat_id, req.params.turn_id),
  });

  app.route({
    ...op('updateChatTurn'),
    schema: { params: TurnIdParams, body: UpdateTurnBody, response: { 200: Turn } },
    handler: async (req) => chats.updateTurn(principalOf(req), req.params.chat_id, req.params.turn_id, req.body),
  });

  app.route({
    ...op('deleteChatTurn'),
    schema: { params: TurnIdParams },
    handler: async (req, reply) => {
      await chats.deleteTurn(principalOf(req), req.params.chat_id, req.params.turn_id);
      return reply.code(204).send();
    },
  });
}
