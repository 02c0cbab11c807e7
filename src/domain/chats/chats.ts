import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/principal.js';
import type { ChatRecord, Page, PageRequest, Storage, TurnRecord } from '../../storage/types.js';
import { visibleCorpusIds } from '../access.js';
import { invalidField, notFound } from '../errors.js';
import type { AnswerService, PreparedAnswer } from '../generation/answer.js';
import { generationSettings } from '../generation/params.js';
import { planQuery } from '../query/plan.js';
import { newHistoryId } from '../query/query.js';

type Body = Record<string, unknown>;

export const chatView = (c: ChatRecord) => ({
  id: c.id,
  first_query: c.first_query,
  first_answer: c.first_answer,
  enabled: c.enabled,
  created_at: c.created_at,
});

export const turnView = (t: TurnRecord) => ({
  id: t.id,
  chat_id: t.chat_id,
  query: t.query,
  answer: t.answer,
  enabled: t.enabled,
  created_at: t.created_at,
});

/** A chat turn about to be answered, with the ids it will be stored under (when stored). */
export interface PreparedTurn {
  answer: PreparedAnswer;
  chat_id?: string;
  turn_id?: string;
}

/** Earlier turns an answer sees: the latest ones, so a long chat's prompt stays bounded. */
const MAX_PRIOR_TURNS = 10;

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/**
 * Chats: a series of turns, each a RAG answer whose prompt also sees the earlier enabled turns.
 * A turn is stored (with its query history) only once its answer is complete: a failing LLM or a
 * client that leaves mid-stream leaves no trace in the chat. Whether anything is stored follows
 * `save_history`, else `chat.store`, else yes.
 *
 * A chat is visible to a principal when the principal sees every corpus the chat searched (its
 * turns quote them); one it cannot see is "not found", so ids do not leak.
 */
export class ChatService {
  constructor(
    private readonly storage: Storage,
    private readonly answers: AnswerService,
  ) {}

  /** `POST /v2/chats`: the first turn of a new chat. */
  start(body: Body): Promise<PreparedTurn> {
    return this.turn(null, body);
  }

  /** `POST /v2/chats/{id}/turns`: a further turn; earlier enabled turns feed the answer. */
  async continue(p: Principal, chatId: string, body: Body): Promise<PreparedTurn> {
    const chat = await this.visibleChat(p, chatId);
    if (!chat.enabled) throw invalidField('chat_id', `chat '${chatId}' is disabled and takes no further turns`);
    return this.turn(chat, body);
  }

  private async turn(chat: ChatRecord | null, body: Body): Promise<PreparedTurn> {
    const chatParams = (body.chat ?? {}) as { store?: boolean };
    const store = typeof body.save_history === 'boolean' ? body.save_history : chatParams.store !== false;
    const plan = { ...planQuery(body), save_history: store };
    const history = chat
      ? (await this.storage.chats.turns(chat.id))
          .filter((t) => t.enabled)
          .slice(-MAX_PRIOR_TURNS)
          .map((t) => ({ query: t.query, answer: t.answer }))
      : [];
    const ids = store ? { chat_id: chat?.id ?? newId('cht'), turn_id: newId('trn') } : undefined;
    const answer = await this.answers.prepare({
      plan,
      settings: generationSettings(body.generation, { always: true })!,
      history,
      ...(ids ? { chatInfo: ids } : {}),
      onComplete: async (result, saveHistory) => {
        if (!ids) return;
        // The turn first: if its chat went away meanwhile, no history entry is left pointing at it.
        const historyId = saveHistory ? newHistoryId() : null;
        const turn = { id: ids.turn_id, chat_id: ids.chat_id, query: plan.query, answer: result.answer, query_history_id: historyId };
        if (chat) {
          const added = await this.storage.chats.addTurn(turn, result.corpus_ids);
          if (!added) throw notFound('Chat', ids.chat_id);
        } else {
          await this.storage.chats.create({ id: ids.chat_id, first_query: plan.query, first_answer: result.answer, corpus_ids: result.corpus_ids }, turn);
        }
        if (saveHistory && historyId) await saveHistory({ id: historyId, chat_id: ids.chat_id });
      },
    });
    return { answer, ...(ids ?? {}) };
  }

  async list(p: Principal, page: PageRequest): Promise<Page<ReturnType<typeof chatView>>> {
    const visible = visibleCorpusIds(p);
    const result = await this.storage.chats.list(page, visible ? { visibleCorpusIds: visible } : {});
    return { ...result, items: result.items.map(chatView) };
  }

  async get(p: Principal, chatId: string) {
    return chatView(await this.visibleChat(p, chatId));
  }

  async delete(p: Principal, chatId: string): Promise<void> {
    await this.visibleChat(p, chatId);
    if (!(await this.storage.chats.delete(chatId))) throw notFound('Chat', chatId);
  }

  async turns(p: Principal, chatId: string) {
    await this.visibleChat(p, chatId);
    return (await this.storage.chats.turns(chatId)).map(turnView);
  }

  async getTurn(p: Principal, chatId: string, turnId: string) {
    await this.visibleChat(p, chatId);
    const turn = await this.storage.chats.getTurn(chatId, turnId);
    if (!turn) throw notFound('Turn', turnId);
    return turnView(turn);
  }

  /**
   * Disabling a turn disables it and every later turn (they were answered in its light). Enabling
   * is not offered: the later answers may no longer fit, and the v2 API does not offer it either.
   */
  async updateTurn(p: Principal, chatId: string, turnId: string, patch: { enabled?: boolean }) {
    await this.visibleChat(p, chatId);
    const turn = await this.storage.chats.getTurn(chatId, turnId);
    if (!turn) throw notFound('Turn', turnId);
    if (patch.enabled === true && !turn.enabled) throw invalidField('enabled', 'a disabled turn cannot be enabled again');
    if (patch.enabled === false) return turnView((await this.storage.chats.disableTurnsFrom(chatId, turnId))!);
    return turnView(turn);
  }

  /**
   * Deleting a turn deletes every later turn too; deleting the first deletes the chat, which has
   * nothing left to show (its first query and answer were that turn).
   */
  async deleteTurn(p: Principal, chatId: string, turnId: string): Promise<void> {
    await this.visibleChat(p, chatId);
    if (!(await this.storage.chats.deleteTurnsFrom(chatId, turnId))) throw notFound('Turn', turnId);
    if ((await this.storage.chats.turns(chatId)).length === 0) await this.storage.chats.delete(chatId);
  }

  private async visibleChat(p: Principal, chatId: string): Promise<ChatRecord> {
    const chat = await this.storage.chats.get(chatId);
    const visible = visibleCorpusIds(p);
    if (!chat || (visible && !chat.corpus_ids.every((c) => visible.includes(c)))) throw notFound('Chat', chatId);
    return chat;
  }
}
