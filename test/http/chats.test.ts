import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, expectStream, walkPages, type Client } from './support.js';

/**
 * Chats end to end with the built-in summariser: turns and their order, earlier turns feeding the
 * next answer, disabling and deleting from a turn on, `chat.store` / `save_history`, streaming
 * with `chat_info`, and what a key bound to other corpora may see.
 */
describe('chats over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    await createCorpus(owner, 'other');
    const docs = [
      { id: 'grep', text: 'grep searches files for lines that match a pattern. The -i option makes grep ignore case. The -r option makes grep search directories recursively.' },
      { id: 'tar', text: 'tar creates and extracts archives. The -x option extracts files from an archive. The -z option filters the archive through gzip.' },
    ];
    for (const d of docs) expectOk(await owner.post('/v2/corpora/kb/documents', { type: 'core', id: d.id, document_parts: [{ text: d.text }] }), 'createCorpusDocument', 201);
    expectOk(await owner.post('/v2/corpora/other/documents', { type: 'core', id: 'x', document_parts: [{ text: 'Other corpus text about grep.' }] }), 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
  });

  const search = { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }], limit: 5 };
  const start = (query: string, extra: Record<string, unknown> = {}) => owner.post('/v2/chats', { query, search, ...extra });
  const next = (chatId: string, query: string, extra: Record<string, unknown> = {}) => owner.post(`/v2/chats/${chatId}/turns`, { query, search, ...extra });

  it('starts a chat, stores its turns in order, and shows them', async () => {
    const first = await start('How does grep ignore case?');
    expectOk(first, 'createChat', 200);
    expect(first.body.chat_id).toMatch(/^cht_/);
    expect(first.body.turn_id).toMatch(/^trn_/);
    expect(first.body.answer).toContain('The -i option makes grep ignore case.');
    const second = await next(first.body.chat_id, 'How does tar extract files?');
    expectOk(second, 'createChatTurn', 200);
    expect(second.body.chat_id).toBe(first.body.chat_id);

    const chat = await owner.get(`/v2/chats/${first.body.chat_id}`);
    expectOk(chat, 'getChat', 200);
    expect(chat.body).toMatchObject({ id: first.body.chat_id, first_query: 'How does grep ignore case?', first_answer: first.body.answer, enabled: true });
    const turns = await owner.get(`/v2/chats/${first.body.chat_id}/turns`);
    expectOk(turns, 'listChatTurns', 200);
    expect(turns.body.turns.map((t: any) => t.id)).toEqual([first.body.turn_id, second.body.turn_id]);
    const turn = await owner.get(`/v2/chats/${first.body.chat_id}/turns/${second.body.turn_id}`);
    expectOk(turn, 'getChatTurn', 200);
    expect(turn.body).toMatchObject({ query: 'How does tar extract files?', answer: second.body.answer, enabled: true });

    // Each stored turn is in the query history too, under its chat.
    const history = await owner.get(`/v2/queries?chat_id=${first.body.chat_id}`);
    expectOk(history, 'getQueryHistories', 200);
    expect(history.body.queries).toHaveLength(2);
  });

  it('lets earlier enabled turns shape a vague follow-up, and not once they are disabled', async () => {
    const first = await start('Tell me about grep options');
    const followUp = await next(first.body.chat_id, 'which option searches recursively?');
    expect(followUp.body.answer).toContain('grep search directories recursively');

    const chat = first.body.chat_id;
    const disabled = await owner.patch(`/v2/chats/${chat}/turns/${first.body.turn_id}`, { enabled: false });
    expectOk(disabled, 'updateChatTurn', 200);
    expect(disabled.body.enabled).toBe(false);
    // Disabling a turn disables the later ones, and the first turn's disables the chat.
    const turns = await owner.get(`/v2/chats/${chat}/turns`);
    expect(turns.body.turns.map((t: any) => t.enabled)).toEqual([false, false]);
    expect((await owner.get(`/v2/chats/${chat}`)).body.enabled).toBe(false);
    expectFieldError(await next(chat, 'anything else?'), 'chat_id');
    expectFieldError(await owner.patch(`/v2/chats/${chat}/turns/${first.body.turn_id}`, { enabled: true }), 'enabled');
  });

  it('deletes a turn with every later one, and a chat with all its turns', async () => {
    const first = await start('How does grep ignore case?');
    const chat = first.body.chat_id;
    const second = await next(chat, 'And recursively?');
    const third = await next(chat, 'How does tar extract files?');
    const del = await owner.delete(`/v2/chats/${chat}/turns/${second.body.turn_id}`);
    expect(del.status).toBe(204);
    const turns = await owner.get(`/v2/chats/${chat}/turns`);
    expect(turns.body.turns.map((t: any) => t.id)).toEqual([first.body.turn_id]);
    expectError(await owner.get(`/v2/chats/${chat}/turns/${third.body.turn_id}`), 404, 'NotFoundError');
    expectError(await owner.delete(`/v2/chats/${chat}/turns/${third.body.turn_id}`), 404, 'NotFoundError');

    // Deleting the first turn leaves nothing to show: the chat goes too.
    const other = await start('How does tar extract files?');
    expect((await owner.delete(`/v2/chats/${other.body.chat_id}/turns/${other.body.turn_id}`)).status).toBe(204);
    expectError(await owner.get(`/v2/chats/${other.body.chat_id}`), 404, 'NotFoundError');

    expect((await owner.delete(`/v2/chats/${chat}`)).status).toBe(204);
    expectError(await owner.get(`/v2/chats/${chat}`), 404, 'NotFoundError');
    expectError(await owner.get(`/v2/chats/${chat}/turns`), 404, 'NotFoundError');
    expectError(await owner.delete(`/v2/chats/${chat}`), 404, 'NotFoundError');
    expectError(await next(chat, 'still there?'), 404, 'NotFoundError');
  });

  it('stores nothing when chat.store or save_history is false (save_history wins)', async () => {
    const before = (await owner.get('/v2/chats?limit=100')).body.chats.length;
    const unsaved = await start('How does grep ignore case?', { chat: { store: false } });
    expectOk(unsaved, 'createChat', 200);
    expect(unsaved.body.chat_id).toBeUndefined();
    expect(unsaved.body.answer.length).toBeGreaterThan(0);
    const overridden = await start('How does grep ignore case?', { chat: { store: true }, save_history: false });
    expect(overridden.body.chat_id).toBeUndefined();
    const saved = await start('How does grep ignore case?', { chat: { store: false }, save_history: true });
    expect(saved.body.chat_id).toMatch(/^cht_/);
    expect((await owner.get('/v2/chats?limit=100')).body.chats.length).toBe(before + 1);
  });

  it('streams a turn with chat_info after the search results, each event valid', async () => {
    const res = await start('How does tar extract files?', { stream_response: true });
    const events = expectStream(res, 'ChatStreamedResponse');
    const types = events.map((e) => e.data.type);
    expect(types.slice(0, 3)).toEqual(['search_results', 'chat_info', 'generation_info']);
    expect(types.slice(-3)).toEqual(['generation_end', 'factual_consistency_score', 'end']);
    const info = events[1]!.data;
    const answer = events.filter((e) => e.data.type === 'generation_chunk').map((e) => e.data.generation_chunk).join('');
    const turn = await owner.get(`/v2/chats/${info.chat_id}/turns/${info.turn_id}`);
    expectOk(turn, 'getChatTurn', 200);
    expect(turn.body.answer).toBe(answer);
  });

  it('pages the chat list, newest last', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await start(`grep question ${i}`)).body.chat_id);
    expectOk(await owner.get('/v2/chats?limit=10000'), 'listChats', 200);
    expectFieldError(await owner.get('/v2/chats?limit=10001'), 'limit');
    const { items } = await walkPages(owner, '/v2/chats', 'chats', 'listChats', 2);
    const listed = items.map((c: any) => c.id);
    expect(listed.slice(-3)).toEqual(ids);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('shows a key bound to other corpora none of these chats', async () => {
    const first = await start('How does grep ignore case?');
    // Starting a chat takes an IndexService (or Personal) key, as the seed's table says.
    const key = await createKey(owner, 'serving_and_indexing', ['other']);
    const bound = client(server.app, key.secret_key);
    expectError(await bound.get(`/v2/chats/${first.body.chat_id}`), 404, 'NotFoundError');
    expectError(await bound.get(`/v2/chats/${first.body.chat_id}/turns`), 404, 'NotFoundError');
    const list = await bound.get('/v2/chats?limit=100');
    expectOk(list, 'listChats', 200);
    expect(list.body.chats.some((c: any) => c.id === first.body.chat_id)).toBe(false);
    // It can chat over its own corpus, and sees that chat.
    const own = await bound.post('/v2/chats', { query: 'grep', search: { corpora: [{ corpus_key: 'other' }] } });
    expectOk(own, 'createChat', 200);
    expectOk(await bound.get(`/v2/chats/${own.body.chat_id}`), 'getChat', 200);
    // And may not search this one.
    expectError(await bound.post('/v2/chats', { query: 'grep', search }), 403);
  });

  it('hides a chat over several corpora from a key bound to only some of them, and its history too', async () => {
    const both = await owner.post('/v2/chats', { query: 'grep', search: { corpora: [{ corpus_key: 'kb' }, { corpus_key: 'other' }] } });
    expectOk(both, 'createChat', 200);
    const key = await createKey(owner, 'serving', ['kb']);
    const bound = client(server.app, key.secret_key);
    expectError(await bound.get(`/v2/chats/${both.body.chat_id}/turns`), 404, 'NotFoundError');
    expect((await bound.get('/v2/chats?limit=100')).body.chats.some((c: any) => c.id === both.body.chat_id)).toBe(false);
    const history = await bound.get(`/v2/queries?chat_id=${both.body.chat_id}`);
    expectOk(history, 'getQueryHistories', 200);
    expect(history.body.queries).toEqual([]);
    const wide = client(server.app, (await createKey(owner, 'serving', ['kb', 'other'])).secret_key);
    expectOk(await wide.get(`/v2/chats/${both.body.chat_id}/turns`), 'listChatTurns', 200);
  });

  it('rejects bad requests with the field named', async () => {
    expectFieldError(await owner.post('/v2/chats', { search }), 'query');
    expectFieldError(await owner.post('/v2/chats', { query: 'x' }), 'search');
    expectFieldError(await start('x', { generation: { generation_preset_name: 'nope' } }), 'generation.generation_preset_name');
    expectError(await owner.get('/v2/chats/cht_nope'), 404, 'NotFoundError');
  });
});
