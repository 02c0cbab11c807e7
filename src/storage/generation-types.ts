/**
 * Storage interfaces for generation: registered LLM connections, and chats with their turns.
 * Same contract as src/storage/types.ts: each method atomic, plain records, ISO-8601 UTC times,
 * lists in creation order.
 */
import type { Page, PageRequest } from './types.js';

export interface LlmRecord {
  /** `llm_<n>`; built-ins are not stored. */
  id: string;
  name: string;
  description: string | null;
  /** `openai-compatible` or `openai-responses`. */
  type: string;
  model: string;
  uri: string;
  /** `{type: 'bearer', token}` or `{type: 'header', header, value}`, sealed under the master key. */
  auth_encrypted: string | null;
  /** Extra request headers (not secret). */
  headers: Record<string, string>;
  test_model_parameters: Record<string, unknown>;
  enabled: boolean;
  created_at: string;
}

export type NewLlm = Omit<LlmRecord, 'id' | 'created_at' | 'enabled'>;

export interface LlmRepository {
  /**
   * Throws `conflict` when the name is taken. The id is assigned by the adapter: `llm_<n>` with
   * n >= 100 (below are the built-ins' positions). Lists page by n: `next` is the n of the last item.
   */
  create(llm: NewLlm): Promise<LlmRecord>;
  get(id: string): Promise<LlmRecord | undefined>;
  getByName(name: string): Promise<LlmRecord | undefined>;
  list(page: PageRequest, filter?: { nameRegex?: string }): Promise<Page<LlmRecord>>;
  delete(id: string): Promise<boolean>;
}

export interface ChatRecord {
  /** `cht_…`, chosen by the service. */
  id: string;
  first_query: string;
  first_answer: string;
  /** False once its first turn is disabled: no further turns. */
  enabled: boolean;
  /** Internal ids of the corpora its turns searched: a principal sees the chat only when it sees all of them. */
  corpus_ids: number[];
  created_at: string;
}

export interface TurnRecord {
  /** `trn_…`, chosen by the service. */
  id: string;
  chat_id: string;
  query: string;
  answer: string;
  enabled: boolean;
  /** The query-history entry of this turn, when history was saved. */
  query_history_id: string | null;
  created_at: string;
}

export type NewChat = Omit<ChatRecord, 'created_at' | 'enabled'>;
export type NewTurn = Omit<TurnRecord, 'created_at' | 'enabled'>;

export interface ChatRepository {
  /** Creates the chat and its first turn together: either both exist afterwards or neither. */
  create(chat: NewChat, firstTurn: NewTurn): Promise<{ chat: ChatRecord; turn: TurnRecord }>;
  /**
   * Appends a turn; `corpusIds` are merged into the chat's. Returns undefined (and saves nothing)
   * when the chat does not exist.
   */
  addTurn(turn: NewTurn, corpusIds: readonly number[]): Promise<TurnRecord | undefined>;
  get(id: string): Promise<ChatRecord | undefined>;
  /** `visibleCorpusIds`: only chats all of whose corpora are among these; undefined = all. */
  list(page: PageRequest, filter?: { visibleCorpusIds?: readonly number[] }): Promise<Page<ChatRecord>>;
  /** Deletes the chat and all its turns. */
  delete(id: string): Promise<boolean>;
  /** The chat's turns, oldest first. */
  turns(chatId: string): Promise<TurnRecord[]>;
  getTurn(chatId: string, turnId: string): Promise<TurnRecord | undefined>;
  /**
   * Disables the turn and every later turn of the chat (and the chat itself when it is the first
   * turn). Returns the updated turn, or undefined when it does not exist.
   */
  disableTurnsFrom(chatId: string, turnId: string): Promise<TurnRecord | undefined>;
  /** Deletes the turn and every later turn of the chat. False when the turn does not exist. */
  deleteTurnsFrom(chatId: string, turnId: string): Promise<boolean>;
}
