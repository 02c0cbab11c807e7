import { Type } from '@sinclair/typebox';
import { ListMetadata, PathId } from './common.js';
import { AnswerFields, GenerationParameters } from './generation.js';
import { QueryBody, SearchResult } from './query.js';

/** Shapes of chats and their turns, in our own words after the v2 API. */
export const ChatBody = Type.Object({
  query: Type.String({ maxLength: 5000 }),
  search: QueryBody.properties.search,
  generation: Type.Optional(GenerationParameters),
  chat: Type.Optional(Type.Object({ store: Type.Optional(Type.Boolean()) })),
  save_history: Type.Optional(Type.Boolean()),
  intelligent_query_rewriting: Type.Optional(Type.Boolean()),
  stream_response: Type.Optional(Type.Boolean()),
});

export const ChatResponse = Type.Object({
  chat_id: Type.Optional(Type.String()),
  turn_id: Type.Optional(Type.String()),
  answer: Type.Optional(Type.String()),
  search_results: Type.Optional(Type.Array(SearchResult)),
  response_language: AnswerFields.response_language,
  factual_consistency_score: AnswerFields.factual_consistency_score,
  rendered_prompt: AnswerFields.rendered_prompt,
  warnings: AnswerFields.warnings,
});

export const Chat = Type.Object({
  id: Type.String(),
  first_query: Type.String(),
  first_answer: Type.String(),
  enabled: Type.Boolean(),
  created_at: Type.String(),
});

export const Turn = Type.Object({
  id: Type.String(),
  chat_id: Type.String(),
  query: Type.String(),
  answer: Type.String(),
  enabled: Type.Boolean(),
  created_at: Type.String(),
});

export const ListChatsResponse = Type.Object({ chats: Type.Array(Chat), metadata: ListMetadata });
export const ListTurnsResponse = Type.Object({ turns: Type.Array(Turn) });
export const ChatIdParams = Type.Object({ chat_id: PathId });
export const TurnIdParams = Type.Object({ chat_id: PathId, turn_id: PathId });
export const UpdateTurnBody = Type.Object({ enabled: Type.Optional(Type.Boolean()) });
