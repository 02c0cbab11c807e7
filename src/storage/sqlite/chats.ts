import type { ChatRecord, ChatRepository, NewChat, NewTurn, Page, PageRequest, TurnRecord } from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface ChatRow extends Omit<ChatRecord, 'corpus_ids' | 'enabled'> {
  seq: number;
  corpus_ids: string;
  enabled: number;
}

interface TurnRow extends Omit<TurnRecord, 'enabled'> {
  seq: number;
  enabled: number;
}

const mapChat = ({ seq: _seq, corpus_ids, enabled, ...rest }: ChatRow): ChatRecord => ({
  ...rest,
  corpus_ids: JSON.parse(corpus_ids),
  enabled: bool(enabled),
});

const mapTurn = ({ seq: _seq, enabled, ...rest }: TurnRow): TurnRecord => ({ ...rest, enabled: bool(enabled) });

/** Set union keeping first-seen order, so a chat's corpus list reads in the order it grew. */
const union = (a: readonly number[], b: readonly number[]): number[] => [...new Set([...a, ...b])];

/**
 * Chats and their turns. Turn order is the turn's `seq`: "a turn and every later one" is every turn
 * of the chat with a `seq` at least its own. Deleting a chat relies on the ON DELETE CASCADE of
 * chat_turns, which holds because the connection enables foreign keys (database.ts).
 * Writes that read first run in IMMEDIATE transactions, so another process cannot slip a write in
 * between the read and the write.
 */
export class SqliteChats implements ChatRepository {
  private readonly insertChat;
  private readonly insertTurn;
  private readonly chatById;
  private readonly turnById;
  private readonly turnsOf;
  private readonly firstTurnSeq;

  constructor(private readonly db: Db) {
    this.insertChat = db.prepare(
      `INSERT INTO chats (id, first_query, first_answer, corpus_ids, created_at)
       VALUES (@id, @first_query, @first_answer, @corpus_ids, @created_at)`,
    );
    this.insertTurn = db.prepare<Record<string, unknown>, TurnRow>(
      `INSERT INTO chat_turns (id, chat_id, query, answer, query_history_id, created_at)
       VALUES (@id, @chat_id, @query, @answer, @query_history_id, @created_at)
       RETURNING *`,
    );
    this.chatById = db.prepare<[string], ChatRow>('SELECT * FROM chats WHERE id = ?');
    this.turnById = db.prepare<[string, string], TurnRow>('SELECT * FROM chat_turns WHERE chat_id = ? AND id = ?');
    this.turnsOf = db.prepare<[string], TurnRow>('SELECT * FROM chat_turns WHERE chat_id = ? ORDER BY seq');
    this.firstTurnSeq = db.prepare<[string], number>('SELECT MIN(seq) FROM chat_turns WHERE chat_id = ?').pluck();
  }

  private turnRow(turn: NewTurn, chatId: string, createdAt: string): TurnRow {
    return this.insertTurn.get({
      id: turn.id,
      chat_id: chatId,
      query: turn.query,
      answer: turn.answer,
      query_history_id: turn.query_history_id,
      created_at: createdAt,
    })!;
  }

  async create(chat: NewChat, firstTurn: NewTurn): Promise<{ chat: ChatRecord; turn: TurnRecord }> {
    // A first turn naming another chat is a caller bug; refusing it keeps `turn.chat_id` truthful.
    if (firstTurn.chat_id !== chat.id) {
      throw new Error(`the first turn belongs to chat '${firstTurn.chat_id}', not '${chat.id}'`);
    }
    const now = nowIso();
    return this.db
      .transaction(() => {
        this.insertChat.run({
          id: chat.id,
          first_query: chat.first_query,
          first_answer: chat.first_answer,
          corpus_ids: JSON.stringify(union(chat.corpus_ids, [])),
          created_at: now,
        });
        const turn = this.turnRow(firstTurn, chat.id, now);
        return { chat: mapChat(this.chatById.get(chat.id)!), turn: mapTurn(turn) };
      })
      .immediate();
  }

  async addTurn(turn: NewTurn, corpusIds: readonly number[]): Promise<TurnRecord | undefined> {
    return this.db
      .transaction(() => {
        const chat = this.chatById.get(turn.chat_id);
        if (!chat) return undefined;
        const merged = union(JSON.parse(chat.corpus_ids) as number[], corpusIds);
        this.db.prepare('UPDATE chats SET corpus_ids = ? WHERE seq = ?').run(JSON.stringify(merged), chat.seq);
        return mapTurn(this.turnRow(turn, turn.chat_id, nowIso()));
      })
      .immediate();
  }

  async get(id: string): Promise<ChatRecord | undefined> {
    const row = this.chatById.get(id);
    return row && mapChat(row);
  }

  async list(page: PageRequest, filter: { visibleCorpusIds?: readonly number[] } = {}): Promise<Page<ChatRecord>> {
    // Visible when every corpus the chat searched is in the list (and it searched one): a turn
    // over a corpus the caller cannot see must not reach it through the chat.
    const rows = this.db
      .prepare<Record<string, unknown>, ChatRow>(
        `SELECT * FROM chats c WHERE c.seq > @after
           AND (@visible IS NULL OR (json_array_length(c.corpus_ids) > 0 AND NOT EXISTS (
             SELECT 1 FROM json_each(c.corpus_ids) s WHERE s.value NOT IN (SELECT value FROM json_each(@visible)))))
         ORDER BY c.seq LIMIT @limit`,
      )
      .all({
        after: page.after ?? 0,
        visible: filter.visibleCorpusIds ? JSON.stringify(filter.visibleCorpusIds) : null,
        limit: page.limit + 1,
      });
    return toPage(rows, page.limit, (r) => r.seq, mapChat);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM chats WHERE id = ?').run(id).changes > 0;
  }

  async turns(chatId: string): Promise<TurnRecord[]> {
    return this.turnsOf.all(chatId).map(mapTurn);
  }

  async getTurn(chatId: string, turnId: string): Promise<TurnRecord | undefined> {
    const row = this.turnById.get(chatId, turnId);
    return row && mapTurn(row);
  }

  async disableTurnsFrom(chatId: string, turnId: string): Promise<TurnRecord | undefined> {
    return this.db
      .transaction(() => {
        const turn = this.turnById.get(chatId, turnId);
        if (!turn) return undefined;
        this.db.prepare('UPDATE chat_turns SET enabled = 0 WHERE chat_id = ? AND seq >= ?').run(chatId, turn.seq);
        // Turns are only ever removed from the end, so the lowest remaining seq is the first turn.
        if (this.firstTurnSeq.get(chatId) === turn.seq) {
          this.db.prepare('UPDATE chats SET enabled = 0 WHERE id = ?').run(chatId);
        }
        return mapTurn(this.turnById.get(chatId, turnId)!);
      })
      .immediate();
  }

  async deleteTurnsFrom(chatId: string, turnId: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const turn = this.turnById.get(chatId, turnId);
        if (!turn) return false;
        this.db.prepare('DELETE FROM chat_turns WHERE chat_id = ? AND seq >= ?').run(chatId, turn.seq);
        return true;
      })
      .immediate();
  }
}
