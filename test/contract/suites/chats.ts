/**
 * Storage contract, chats and turns: all-or-nothing creation with the first turn, appending turns
 * (merging the corpora searched), turn order, visibility by corpus, disabling and deleting a turn
 * with every later one, and deleting a chat with its turns.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatRecord, NewChat, NewTurn, Storage, TurnRecord } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { collectPages, expectIsoUtc, newCorpus, settle, sortedNums, unique } from '../builders.js';

const newTurn = (chatId: string, over: Partial<NewTurn> = {}): NewTurn => ({
  id: unique('trn_'),
  chat_id: chatId,
  query: unique('question '),
  answer: unique('answer '),
  query_history_id: null,
  ...over,
});

/** A chat and its first turn, as the service builds them: the first turn repeats the chat's texts. */
const newChat = (corpusIds: number[], over: Partial<NewChat> = {}): { chat: NewChat; turn: NewTurn } => {
  const chat: NewChat = {
    id: unique('cht_'),
    first_query: unique('first question '),
    first_answer: unique('first answer '),
    corpus_ids: corpusIds,
    ...over,
  };
  return { chat, turn: newTurn(chat.id, { query: chat.first_query, answer: chat.first_answer }) };
};

export function describeChats(getStorage: GetStorage): void {
  describe('chats', () => {
    let storage: Storage;
    /** Ids of real corpora, so adapters that check them against corpora accept them. */
    let c1: number, c2: number, c3: number;

    beforeEach(async () => {
      storage = getStorage();
      c1 = (await storage.corpora.create(newCorpus())).id;
      c2 = (await storage.corpora.create(newCorpus())).id;
      c3 = (await storage.corpora.create(newCorpus())).id;
    });

    const create = async (corpusIds: number[], over: Partial<NewChat> = {}) => {
      const { chat, turn } = newChat(corpusIds, over);
      return storage.chats.create(chat, turn);
    };

    /** A chat with `n` turns in all (the first included), oldest first. */
    const chatWithTurns = async (n: number): Promise<{ chat: ChatRecord; turns: TurnRecord[] }> => {
      const made = await create([c1]);
      const turns = [made.turn];
      for (let i = 1; i < n; i++) turns.push((await storage.chats.addTurn(newTurn(made.chat.id), []))!);
      return { chat: made.chat, turns };
    };

    it('create stores the chat and its first turn, both enabled, with UTC times', async () => {
      const { chat: input, turn: turnInput } = newChat([c2, c1], {});
      turnInput.query_history_id = 'qry_1';
      const { chat, turn } = await storage.chats.create(input, turnInput);
      expect(chat).toEqual({ ...input, enabled: true, created_at: chat.created_at });
      expect(turn).toEqual({ ...turnInput, enabled: true, created_at: turn.created_at });
      expectIsoUtc(chat.created_at);
      expectIsoUtc(turn.created_at);
      expect(await storage.chats.get(chat.id)).toEqual(chat);
      expect(await storage.chats.turns(chat.id)).toEqual([turn]);
      expect(await storage.chats.getTurn(chat.id, turn.id)).toEqual(turn);
    });

    it('create with a first turn whose id is taken fails and leaves no chat behind', async () => {
      const existing = await create([c1]);
      const { chat } = newChat([c2]);
      const outcome = await settle(storage.chats.create(chat, newTurn(chat.id, { id: existing.turn.id })));
      expect(outcome).toBe('rejected');
      expect(await storage.chats.get(chat.id)).toBeUndefined();
      expect(await storage.chats.turns(chat.id)).toEqual([]);
      expect((await storage.chats.list({ limit: 10 })).items).toEqual([existing.chat]);
      expect((await storage.chats.list({ limit: 10 }, { visibleCorpusIds: [c2] })).items).toEqual([]);
      expect(await storage.chats.turns(existing.chat.id)).toEqual([existing.turn]);
      // Nothing was half-saved: the chat id is still free.
      const retry = await storage.chats.create(chat, newTurn(chat.id));
      expect(await storage.chats.get(chat.id)).toEqual(retry.chat);
    });

    it('create with a chat id that is taken fails and saves no turn', async () => {
      const existing = await create([c1]);
      const again = newChat([c2], { id: existing.chat.id });
      expect(await settle(storage.chats.create(again.chat, again.turn))).toBe('rejected');
      expect(await storage.chats.get(existing.chat.id)).toEqual(existing.chat);
      expect(await storage.chats.turns(existing.chat.id)).toEqual([existing.turn]);
      expect(await storage.chats.getTurn(existing.chat.id, again.turn.id)).toBeUndefined();
      // The turn id is still free.
      const other = await create([c1]);
      const added = await storage.chats.addTurn(newTurn(other.chat.id, { id: again.turn.id }), []);
      expect(added?.id).toBe(again.turn.id);
    });

    it('create refuses a first turn that names another chat, saving nothing', async () => {
      const other = await create([c1]);
      const { chat } = newChat([c2]);
      const turn = newTurn(other.chat.id);
      expect(await settle(storage.chats.create(chat, turn))).toBe('rejected');
      expect(await storage.chats.get(chat.id)).toBeUndefined();
      expect(await storage.chats.turns(other.chat.id)).toEqual([other.turn]);
      expect(await storage.chats.getTurn(other.chat.id, turn.id)).toBeUndefined();
    });

    it('create keeps each corpus id once', async () => {
      const { chat } = await create([c1, c2, c1, c2]);
      expect(sortedNums(chat.corpus_ids)).toEqual(sortedNums([c1, c2]));
      expect((await storage.chats.get(chat.id))!.corpus_ids).toEqual(chat.corpus_ids);
    });

    it('addTurn appends turns in order and merges corpus ids without duplicates', async () => {
      const { chat, turn: first } = await create([c1]);
      const t2 = await storage.chats.addTurn(newTurn(chat.id, { query_history_id: 'qry_2' }), [c2, c1]);
      const t3 = await storage.chats.addTurn(newTurn(chat.id), []);
      const t4 = await storage.chats.addTurn(newTurn(chat.id), [c3, c2, c3]);
      for (const t of [t2, t3, t4]) {
        expect(t).toBeDefined();
        expect(t!.enabled).toBe(true);
        expect(t!.chat_id).toBe(chat.id);
        expectIsoUtc(t!.created_at);
      }
      expect(t2!.query_history_id).toBe('qry_2');
      expect(await storage.chats.turns(chat.id)).toEqual([first, t2, t3, t4]);
      expect(await storage.chats.getTurn(chat.id, t3!.id)).toEqual(t3);

      const after = (await storage.chats.get(chat.id))!;
      expect(sortedNums(after.corpus_ids)).toEqual(sortedNums([c1, c2, c3]));
      // Only corpus_ids changed: the first query and answer stay those of the first turn.
      expect({ ...after, corpus_ids: chat.corpus_ids }).toEqual(chat);
    });

    it('turn ids chosen in any order still list in the order they were added', async () => {
      const { chat, turn: first } = await create([c1], {});
      const z = await storage.chats.addTurn(newTurn(chat.id, { id: 'trn_zzz' }), []);
      const a = await storage.chats.addTurn(newTurn(chat.id, { id: 'trn_aaa' }), []);
      const m = await storage.chats.addTurn(newTurn(chat.id, { id: 'trn_mmm' }), []);
      expect((await storage.chats.turns(chat.id)).map((t) => t.id)).toEqual([first.id, z!.id, a!.id, m!.id]);
    });

    it('addTurn to a missing chat returns undefined and saves nothing', async () => {
      const other = await create([c1]);
      const orphan = newTurn('cht_missing');
      expect(await storage.chats.addTurn(orphan, [c2])).toBeUndefined();
      expect(await storage.chats.get('cht_missing')).toBeUndefined();
      expect(await storage.chats.turns('cht_missing')).toEqual([]);
      expect(await storage.chats.getTurn('cht_missing', orphan.id)).toBeUndefined();
      expect((await storage.chats.list({ limit: 10 })).items).toEqual([other.chat]);
      // The turn id was not taken.
      const added = await storage.chats.addTurn(newTurn(other.chat.id, { id: orphan.id }), []);
      expect(added?.id).toBe(orphan.id);
    });

    it('addTurn with a turn id that is taken fails and merges nothing', async () => {
      const { chat, turn } = await create([c1]);
      expect(await settle(storage.chats.addTurn(newTurn(chat.id, { id: turn.id }), [c3]))).toBe('rejected');
      expect(await storage.chats.get(chat.id)).toEqual(chat);
      expect(await storage.chats.turns(chat.id)).toEqual([turn]);
    });

    it('turns and getTurn only see the given chat', async () => {
      const a = await chatWithTurns(2);
      const b = await chatWithTurns(3);
      expect(await storage.chats.turns(a.chat.id)).toEqual(a.turns);
      expect(await storage.chats.turns(b.chat.id)).toEqual(b.turns);
      expect(await storage.chats.getTurn(a.chat.id, b.turns[1]!.id)).toBeUndefined();
      expect(await storage.chats.getTurn(b.chat.id, b.turns[1]!.id)).toEqual(b.turns[1]);
      expect(await storage.chats.getTurn(a.chat.id, 'trn_nope')).toBeUndefined();
      expect(await storage.chats.turns('cht_nope')).toEqual([]);
      expect(await storage.chats.get('cht_nope')).toBeUndefined();
    });

    it('list pages in creation order; `next` is absent on the last page', async () => {
      const created: ChatRecord[] = [];
      // Ids in reverse alphabetical order, so creation order is not id order.
      for (const id of ['cht_e', 'cht_d', 'cht_c', 'cht_b', 'cht_a']) created.push((await create([c1], { id })).chat);
      const { pages, all } = await collectPages((p) => storage.chats.list(p), 2, (c) => c.id);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(all).toEqual(created);
      const one = await storage.chats.list({ limit: 5 });
      expect(one.items).toEqual(created);
      expect('next' in one).toBe(false);
    });

    it('list with visibleCorpusIds shows chats all of whose corpora are among them; an empty list shows none', async () => {
      const only1 = (await create([c1])).chat;
      const only2 = (await create([c2])).chat;
      const both13 = (await create([c1, c3])).chat;
      const none = (await create([])).chat;
      const visible = async (ids?: number[]) =>
        (await collectPages((p) => storage.chats.list(p, ids ? { visibleCorpusIds: ids } : {}), 100, (c) => c.id)).all.map(
          (c) => c.id,
        );

      expect(await visible()).toEqual([only1.id, only2.id, both13.id, none.id]);
      expect(await visible([c1])).toEqual([only1.id]);
      expect(await visible([c3])).toEqual([]);
      expect(await visible([c2, c3])).toEqual([only2.id]);
      expect(await visible([c1, c3])).toEqual([only1.id, both13.id]);
      expect(await visible([c1, c2, c3])).toEqual([only1.id, only2.id, both13.id]);
      expect(await visible([])).toEqual([]);
      expect(await visible([c3 + 1_000_000])).toEqual([]);

      // Corpora searched by later turns count too.
      await storage.chats.addTurn(newTurn(only2.id), [c3]);
      expect(await visible([c2])).toEqual([]);
      expect(await visible([c2, c3])).toEqual([only2.id]);

      // Paging under the filter: 3 matches with limit 2 is 2 + 1.
      const walk = await collectPages((p) => storage.chats.list(p, { visibleCorpusIds: [c1, c2, c3] }), 2, (c) => c.id);
      expect(walk.pages.map((p) => p.map((c) => c.id))).toEqual([[only1.id, only2.id], [both13.id]]);
    });

    it('disableTurnsFrom a later turn disables it and every later one, leaving the chat enabled', async () => {
      const { chat, turns } = await chatWithTurns(4);
      const other = await chatWithTurns(2);
      const updated = await storage.chats.disableTurnsFrom(chat.id, turns[1]!.id);
      expect(updated).toEqual({ ...turns[1], enabled: false });
      expect((await storage.chats.turns(chat.id)).map((t) => t.enabled)).toEqual([true, false, false, false]);
      expect(await storage.chats.getTurn(chat.id, turns[3]!.id)).toEqual({ ...turns[3], enabled: false });
      expect(await storage.chats.get(chat.id)).toEqual(chat);
      expect(await storage.chats.turns(other.chat.id)).toEqual(other.turns);

      // Disabling a later turn again changes nothing more; an earlier one widens the range.
      expect(await storage.chats.disableTurnsFrom(chat.id, turns[2]!.id)).toEqual({ ...turns[2], enabled: false });
      expect((await storage.chats.turns(chat.id)).map((t) => t.enabled)).toEqual([true, false, false, false]);
    });

    it('disableTurnsFrom the first turn disables every turn and the chat', async () => {
      const { chat, turns } = await chatWithTurns(3);
      const other = await chatWithTurns(2);
      expect(await storage.chats.disableTurnsFrom(chat.id, turns[0]!.id)).toEqual({ ...turns[0], enabled: false });
      expect((await storage.chats.turns(chat.id)).map((t) => t.enabled)).toEqual([false, false, false]);
      expect(await storage.chats.get(chat.id)).toEqual({ ...chat, enabled: false });
      expect((await storage.chats.list({ limit: 10 })).items).toEqual([{ ...chat, enabled: false }, other.chat]);
      expect(await storage.chats.get(other.chat.id)).toEqual(other.chat);
    });

    it('disableTurnsFrom an unknown turn, or one of another chat, returns undefined and changes nothing', async () => {
      const a = await chatWithTurns(2);
      const b = await chatWithTurns(2);
      expect(await storage.chats.disableTurnsFrom(a.chat.id, 'trn_nope')).toBeUndefined();
      expect(await storage.chats.disableTurnsFrom('cht_nope', a.turns[0]!.id)).toBeUndefined();
      expect(await storage.chats.disableTurnsFrom(a.chat.id, b.turns[0]!.id)).toBeUndefined();
      expect(await storage.chats.turns(a.chat.id)).toEqual(a.turns);
      expect(await storage.chats.turns(b.chat.id)).toEqual(b.turns);
      expect(await storage.chats.get(b.chat.id)).toEqual(b.chat);
    });

    it('deleteTurnsFrom a later turn deletes it and every later one; new turns follow the rest', async () => {
      const { chat, turns } = await chatWithTurns(4);
      const other = await chatWithTurns(2);
      expect(await storage.chats.deleteTurnsFrom(chat.id, turns[2]!.id)).toBe(true);
      expect(await storage.chats.turns(chat.id)).toEqual(turns.slice(0, 2));
      expect(await storage.chats.getTurn(chat.id, turns[2]!.id)).toBeUndefined();
      expect(await storage.chats.getTurn(chat.id, turns[3]!.id)).toBeUndefined();
      expect(await storage.chats.get(chat.id)).toEqual(chat);
      expect(await storage.chats.turns(other.chat.id)).toEqual(other.turns);
      expect(await storage.chats.deleteTurnsFrom(chat.id, turns[2]!.id)).toBe(false);

      const next = await storage.chats.addTurn(newTurn(chat.id), []);
      expect(await storage.chats.turns(chat.id)).toEqual([...turns.slice(0, 2), next]);
    });

    it('deleteTurnsFrom the first turn deletes every turn of the chat and only of that chat', async () => {
      const { chat, turns } = await chatWithTurns(3);
      const other = await chatWithTurns(2);
      expect(await storage.chats.deleteTurnsFrom(chat.id, turns[0]!.id)).toBe(true);
      expect(await storage.chats.turns(chat.id)).toEqual([]);
      for (const t of turns) expect(await storage.chats.getTurn(chat.id, t.id)).toBeUndefined();
      expect(await storage.chats.turns(other.chat.id)).toEqual(other.turns);
      // The interface deletes turns only; what happens to the chat is the service's call.
      expect(await storage.chats.get(chat.id)).toEqual(chat);
    });

    it('deleteTurnsFrom an unknown turn, or one of another chat, returns false and deletes nothing', async () => {
      const a = await chatWithTurns(2);
      const b = await chatWithTurns(2);
      expect(await storage.chats.deleteTurnsFrom(a.chat.id, 'trn_nope')).toBe(false);
      expect(await storage.chats.deleteTurnsFrom('cht_nope', a.turns[1]!.id)).toBe(false);
      expect(await storage.chats.deleteTurnsFrom(a.chat.id, b.turns[0]!.id)).toBe(false);
      expect(await storage.chats.turns(a.chat.id)).toEqual(a.turns);
      expect(await storage.chats.turns(b.chat.id)).toEqual(b.turns);
    });

    it('delete removes the chat and all its turns', async () => {
      const { chat, turns } = await chatWithTurns(3);
      const other = await chatWithTurns(2);
      expect(await storage.chats.delete(chat.id)).toBe(true);
      expect(await storage.chats.get(chat.id)).toBeUndefined();
      expect(await storage.chats.turns(chat.id)).toEqual([]);
      for (const t of turns) expect(await storage.chats.getTurn(chat.id, t.id)).toBeUndefined();
      expect((await storage.chats.list({ limit: 10 })).items).toEqual([other.chat]);
      expect(await storage.chats.turns(other.chat.id)).toEqual(other.turns);
      expect(await storage.chats.delete(chat.id)).toBe(false);
      expect(await storage.chats.delete('cht_nope')).toBe(false);

      // The turns are gone, not hidden: their ids are free again, and so is the chat id.
      const reused = await storage.chats.addTurn(newTurn(other.chat.id, { id: turns[1]!.id }), []);
      expect(reused?.id).toBe(turns[1]!.id);
      const again = newChat([c2], { id: chat.id });
      again.turn.id = turns[0]!.id;
      const recreated = await storage.chats.create(again.chat, again.turn);
      expect(await storage.chats.turns(chat.id)).toEqual([recreated.turn]);
    });

    it('records are plain values: mutating the input or a returned record does not change storage', async () => {
      const { chat: input, turn: turnInput } = newChat([c1]);
      const { chat, turn } = await storage.chats.create(input, turnInput);
      const snapshot = structuredClone({ chat, turn });
      input.corpus_ids.push(c2);
      chat.corpus_ids.push(c3);
      chat.enabled = false;
      turn.enabled = false;
      turn.query = 'changed';
      expect(await storage.chats.get(snapshot.chat.id)).toEqual(snapshot.chat);
      expect(await storage.chats.turns(snapshot.chat.id)).toEqual([snapshot.turn]);
      expect((await storage.chats.list({ limit: 10 }, { visibleCorpusIds: [c3] })).items).toEqual([]);
    });
  });
}
