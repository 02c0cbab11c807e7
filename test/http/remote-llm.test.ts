import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { createCorpus, expectError, expectFieldError, expectOk, expectStream, form, parseSse, type Client } from './support.js';

/**
 * Registered OpenAI-compatible LLMs end to end, against a fake OpenAI server on 127.0.0.1 (the
 * only fake: it stands for the outside world). Registration with its trial call, answers in
 * queries and chats (whole and streamed), the chat-completions proxy, and every failure the
 * remote side can have: each a clear error (an `error` event when streaming), nothing half-saved.
 */
describe('remote LLMs over HTTP', () => {
  let server: TestServer;
  let owner: Client;
  let fake: FakeOpenAI;
  const TOKEN = 'sk-fake-secret-token-1234567890';

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: TOKEN });
    // Short waits so that timeouts and retries are quick to test, yet long enough that a normal
    // answer on a loaded machine never times out (a retry would take the next scripted behaviour).
    server = await startTestApp({ llm_requests: { response_timeout_ms: 1500, idle_timeout_ms: 1500, total_timeout_ms: 8000, max_retries: 1, retry_base_ms: 10 } });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    const res = await owner.post('/v2/corpora/kb/documents', {
      type: 'core',
      id: 'tar',
      document_parts: [{ text: 'tar creates and extracts archives.' }, { text: 'The -x option extracts files from an archive.' }],
    });
    expectOk(res, 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  const register = (name: string, extra: Record<string, unknown> = {}) =>
    owner.post('/v2/llms', {
      type: 'openai-compatible',
      name,
      model: 'fake-model',
      uri: fake.chatUrl,
      auth: { type: 'bearer', token: TOKEN },
      headers: { 'x-team': 'search' },
      ...extra,
    });

  const ask = (llm: string, extra: Record<string, unknown> = {}) =>
    owner.post('/v2/corpora/kb/query', {
      query: 'How do I extract files?',
      search: { limit: 3, lexical_interpolation: 1 },
      generation: { model_parameters: { llm_name: llm, temperature: 0.3 }, citations: { style: 'numeric' } },
      ...extra,
    });

  describe('registration', () => {
    it('registers an LLM after a trial call with its credentials and headers, then lists, gets and deletes it', async () => {
      const res = await register('remote-a', { description: 'The fake one', test_model_parameters: { seed: 7 } });
      expectOk(res, 'createLLM', 201);
      expect(res.body).toMatchObject({ name: 'remote-a', enabled: true, default: false, description: 'The fake one' });
      expect(res.body.id).toMatch(/^llm_\d+$/);
      const trial = fake.requests[0]!;
      expect(trial.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(trial.headers['x-team']).toBe('search');
      expect(trial.body.model).toBe('fake-model');
      expect(trial.body.seed).toBe(7);

      const list = await owner.get('/v2/llms?limit=100');
      expectOk(list, 'listLLMs', 200);
      expect(list.body.llms.map((l: any) => l.name)).toContain('remote-a');
      expect(JSON.stringify(list.body)).not.toContain(TOKEN);
      expectOk(await owner.get(`/v2/llms/${res.body.id}`), 'getLLM', 200);
      expect((await owner.delete(`/v2/llms/${res.body.id}`)).status).toBe(204);
      expectError(await owner.get(`/v2/llms/${res.body.id}`), 404, 'NotFoundError');
      expectError(await owner.delete(`/v2/llms/${res.body.id}`), 404, 'NotFoundError');
    });

    it('refuses an LLM that does not answer its trial call, a duplicate name and a built-in name', async () => {
      fake.script({ kind: 'status', status: 401 });
      const refused = await register('remote-bad');
      expectFieldError(refused, 'uri');
      expect(JSON.stringify(refused.body)).not.toContain(TOKEN);
      expectFieldError(await register('remote-bad2', { uri: 'http://127.0.0.1:1/v1/chat/completions' }), 'uri');
      expectFieldError(await register('remote-bad3', { uri: 'ftp://example.com/x' }), 'uri');
      // A redirect is not followed: the credentials would go along.
      fake.script({ kind: 'status', status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
      expectFieldError(await register('remote-bad4'), 'uri');
      expectOk(await register('remote-dup'), 'createLLM', 201);
      expectError(await register('remote-dup'), 409);
      expectFieldError(await register('quarry-extractive-summariser'), 'name');
      expectFieldError(await owner.post('/v2/llms', { type: 'vertex-ai', name: 'v', model: 'm', uri: fake.chatUrl }), 'type');
      const names = (await owner.get('/v2/llms?limit=100')).body.llms.map((l: any) => l.name);
      expect(names).not.toContain('remote-bad');
    });

    it('pages built-in and registered LLMs together', async () => {
      for (const n of ['page-1', 'page-2', 'page-3']) expectOk(await register(n), 'createLLM', 201);
      const seen: string[] = [];
      let key: string | undefined;
      do {
        const res = await owner.get(`/v2/llms?limit=2${key ? `&page_key=${encodeURIComponent(key)}` : ''}`);
        expectOk(res, 'listLLMs', 200);
        seen.push(...res.body.llms.map((l: any) => l.name));
        key = res.body.metadata.page_key;
      } while (key);
      expect(seen[0]).toBe('quarry-extractive-summariser');
      expect(seen).toEqual(expect.arrayContaining(['page-1', 'page-2', 'page-3']));
      expect(new Set(seen).size).toBe(seen.length);
      const filtered = await owner.get('/v2/llms?filter=^page-[12]$');
      expect(filtered.body.llms.map((l: any) => l.name)).toEqual(['page-1', 'page-2']);
    });
  });

  describe('answers from a remote LLM', () => {
    beforeAll(async () => {
      expectOk(await register('remote'), 'createLLM', 201);
    });

    it('sends the rendered prompt with the results and model parameters, and formats its citations', async () => {
      fake.script({ kind: 'answer', text: 'Use the -x option [2].' });
      const res = await ask('remote');
      expectOk(res, 'queryCorpus', 200);
      expect(res.body.summary).toBe('Use the -x option [2].');
      const sent = fake.requests.at(-1)!.body;
      expect(sent.temperature).toBe(0.3);
      expect(sent.stream).toBe(true);
      // Only what the request set: servers differ in what they accept, and have defaults of their own.
      for (const unset of ['max_tokens', 'frequency_penalty', 'presence_penalty', 'llm_name']) expect(sent).not.toHaveProperty(unset);
      const prompt = JSON.stringify(sent.messages);
      expect(prompt).toContain('The -x option extracts files from an archive.');
      expect(prompt).toContain('How do I extract files?');
      fake.script({ kind: 'answer', text: 'Use the -x option [2].' });
      const md = await owner.post('/v2/corpora/kb/query', {
        query: 'How do I extract files?',
        search: { limit: 3, lexical_interpolation: 1 },
        generation: { model_parameters: { llm_name: 'remote' }, citations: { style: 'markdown', url_pattern: 'https://docs/{doc.id}' } },
      });
      expect(md.body.summary).toBe('Use the -x option [2](https://docs/tar).');
    });

    it('streams the remote chunks as generation_chunk events', async () => {
      fake.script({ kind: 'answer', chunks: ['Use ', 'the -x ', 'option [', '1].'] });
      const res = await ask('remote', { stream_response: true });
      const events = expectStream(res, 'QueryStreamedResponse');
      const text = events.filter((e) => e.data.type === 'generation_chunk').map((e) => e.data.generation_chunk).join('');
      expect(text).toBe('Use the -x option [1].');
      expect(events.at(-1)!.data.type).toBe('end');
    });

    it('feeds earlier chat turns to the LLM as conversation', async () => {
      const first = await owner.post('/v2/chats', {
        query: 'What does tar do?',
        search: { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }] },
        generation: { model_parameters: { llm_name: 'remote' } },
      });
      expectOk(first, 'createChat', 200);
      await owner.post(`/v2/chats/${first.body.chat_id}/turns`, {
        query: 'And how do I extract?',
        search: { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }] },
        generation: { model_parameters: { llm_name: 'remote' } },
      });
      const prompt = JSON.stringify(fake.requests.at(-1)!.body.messages);
      expect(prompt).toContain('What does tar do?');
      expect(prompt).toContain(first.body.answer.replace(/"/g, '\\"'));
    });

    const failures: Array<{ name: string; script: any; status: number }> = [
      { name: 'a 429 (after the retry)', script: [{ kind: 'status', status: 429, retryAfter: 0 }, { kind: 'status', status: 429, retryAfter: 0 }], status: 429 },
      { name: 'a 500 (after the retry)', script: [{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }], status: 502 },
      { name: 'a timeout', script: [{ kind: 'hang' }, { kind: 'hang' }], status: 504 },
      { name: 'a malformed chunk', script: [{ kind: 'malformed-chunk', after: 1 }], status: 502 },
      { name: 'a dropped connection mid-stream', script: [{ kind: 'drop', after: 2 }], status: 502 },
      { name: 'a stalled stream', script: [{ kind: 'stall', after: 1 }], status: 504 },
    ];

    for (const f of failures) {
      it(`answers ${f.name} with a clear error, and saves no chat turn`, async () => {
        fake.script(f.script);
        const whole = await ask('remote');
        expectError(whole, f.status);
        expect(whole.body.messages[0]).toMatch(/LLM/);
        expect(JSON.stringify(whole.body)).not.toContain(TOKEN);

        fake.script(f.script);
        const streamed = await ask('remote', { stream_response: true });
        expect(streamed.status).toBe(200);
        const events = parseSse(streamed.text);
        expect(events[0]!.data.type).toBe('search_results');
        const last = events.at(-1)!.data;
        expect(last.type).toBe('error');
        expect(last.messages[0]).toMatch(/LLM/);
        expect(events.some((e) => e.data.type === 'end')).toBe(false);

        const chatsBefore = (await owner.get('/v2/chats?limit=100')).body.chats.length;
        const historyBefore = (await owner.get('/v2/queries?limit=100')).body.queries.length;
        fake.script(f.script);
        const chat = await owner.post('/v2/chats', {
          query: 'How do I extract files?',
          search: { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }] },
          generation: { model_parameters: { llm_name: 'remote' } },
        });
        expectError(chat, f.status);
        expect((await owner.get('/v2/chats?limit=100')).body.chats.length).toBe(chatsBefore);
        expect((await owner.get('/v2/queries?limit=100')).body.queries.length).toBe(historyBefore);
      });
    }

    it('stops the remote request when a streaming client goes away', async () => {
      fake.script({ kind: 'answer', chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
      const address = new URL(await server.app.listen({ port: 0, host: '127.0.0.1' }));
      // node:http without an agent: one socket, closed by destroy() (fetch's pool may open a spare one).
      const req = request({
        host: address.hostname,
        port: address.port,
        path: '/v2/corpora/kb/query',
        method: 'POST',
        agent: false,
        headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' },
      });
      req.end(JSON.stringify({
        query: 'How do I extract files?',
        search: { lexical_interpolation: 1 },
        generation: { model_parameters: { llm_name: 'remote' } },
        stream_response: true,
        save_history: true,
      }));
      const res = await new Promise<IncomingMessage>((resolve) => req.on('response', resolve));
      let text = '';
      for await (const piece of res) {
        text += String(piece);
        if (text.includes('generation_chunk')) break;
      }
      const historyBefore = (await owner.get('/v2/queries?limit=100')).body.queries.length;
      req.destroy();
      const upstream = fake.requests.at(-1)!;
      await Promise.race([upstream.gone, new Promise((_, reject) => setTimeout(() => reject(new Error('upstream request not cancelled')), 2000))]);
      expect(upstream.clientGone).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect((await owner.get('/v2/queries?limit=100')).body.queries.length).toBe(historyBefore);
    });
  });

  describe('a client that leaves before a whole answer', () => {
    beforeAll(async () => {
      expectOk(await register('slowpoke'), 'createLLM', 201);
    });

    it('stops the remote request and saves no chat', async () => {
      fake.script({ kind: 'answer', chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
      const chatsBefore = (await owner.get('/v2/chats?limit=100')).body.chats.length;
      const address = new URL(await server.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`));
      const req = request({ host: address.hostname, port: address.port, path: '/v2/chats', method: 'POST', agent: false, headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ query: 'How do I extract files?', search: { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }] }, generation: { model_parameters: { llm_name: 'slowpoke' } } }));
      while (!fake.requests.some((r) => r.body.stream)) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      const upstream = fake.requests.at(-1)!;
      await Promise.race([upstream.gone, new Promise((_, reject) => setTimeout(() => reject(new Error('upstream request not cancelled')), 2000))]);
      await new Promise((r) => setTimeout(r, 100));
      expect((await owner.get('/v2/chats?limit=100')).body.chats.length).toBe(chatsBefore);
    });
  });

  describe('table descriptions on upload', () => {
    beforeAll(async () => {
      expectOk(await register('tables'), 'createLLM', 201);
    });

    const uploadCsv = async (name: string) => {
      const { payload, contentType } = await form({ name, content: 'drink,price\ntea,3\ncoffee,4\n', type: 'text/csv' }, {
        table_extraction_config: JSON.stringify({ extract_tables: true, generation: { llm_name: 'tables', model_parameters: { temperature: 0 } } }),
      });
      const res = await server.app.inject({ method: 'POST', url: '/v2/corpora/kb/upload_file', headers: { 'x-api-key': server.ownerKey, 'content-type': contentType }, payload });
      return { status: res.statusCode, body: res.json(), headers: res.headers, text: res.body };
    };

    it('describes an extracted table with the named LLM, its rows in the prompt', async () => {
      fake.script({ kind: 'answer', text: 'Prices of tea and coffee [1].' });
      const res = await uploadCsv('prices.csv');
      expectOk(res, 'uploadFile', 201);
      expect(res.body.tables[0].description).toBe('Prices of tea and coffee.');
      const sent = fake.requests.at(-1)!.body;
      expect(JSON.stringify(sent.messages)).toContain('drink: coffee; price: 4');
      expect(sent.temperature).toBe(0);
    });

    it('keeps nothing when the LLM fails', async () => {
      fake.script([{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }]);
      expectError(await uploadCsv('prices-2.csv'), 502);
      expectError(await owner.get('/v2/corpora/kb/documents/prices-2.csv'), 404, 'NotFoundError');
    });
  });

  describe('chat completions proxy', () => {
    beforeAll(async () => {
      expectOk(await register('proxy'), 'createLLM', 201);
    });

    const body = { model: 'proxy', messages: [{ role: 'user', content: 'Say hello to the tests' }], temperature: 0.1 };

    it('passes a completion through, with the LLM name as the model', async () => {
      const res = await owner.post('/v2/llms/chat/completions', body);
      expectOk(res, 'createChatCompletion', 200);
      expect(res.body.choices[0].message.content).toBe('Answer: Say hello to the tests [1]');
      expect(res.body.model).toBe('proxy');
      const sent = fake.requests.at(-1)!.body;
      expect(sent.model).toBe('fake-model');
      expect(sent.temperature).toBe(0.1);
    });

    it('streams chunks through and ends with [DONE]; a failure mid-stream is an error event', async () => {
      const res = await owner.post('/v2/llms/chat/completions', { ...body, stream: true });
      expect(res.status).toBe(200);
      const frames = res.text.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
      expect(frames.at(-1)).toBe('[DONE]');
      const content = frames.slice(0, -1).map((f) => JSON.parse(f)).map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
      expect(content).toBe('Answer: Say hello to the tests [1]');

      fake.script({ kind: 'drop', after: 2 });
      const broken = await owner.post('/v2/llms/chat/completions', { ...body, stream: true });
      const last = JSON.parse(broken.text.trim().split('\n\n').at(-1)!.replace(/^data: /, ''));
      expect(last.error.message).toMatch(/LLM/);

      // What the upstream refuses for the request's sake is the client's 400; its failures are 502.
      fake.script({ kind: 'status', status: 400, body: '{"error":{"message":"bad request upstream"}}' });
      const refused = await owner.post('/v2/llms/chat/completions', body);
      expectError(refused, 400);
      expect(refused.body.messages[0]).toMatch(/bad request upstream/);
      fake.script([{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }]);
      expectError(await owner.post('/v2/llms/chat/completions', body), 502);
    });

    it('checks the model before streaming: unknown, or not a chat-completions server, is a 400', async () => {
      expectFieldError(await owner.post('/v2/llms/chat/completions', { ...body, model: 'nope', stream: true }), 'model');
      expectOk(await owner.post('/v2/llms', { type: 'openai-responses', name: 'responder', model: 'o-fake', uri: fake.responsesUrl, auth: { type: 'bearer', token: TOKEN } }), 'createLLM', 201);
      expectFieldError(await owner.post('/v2/llms/chat/completions', { ...body, model: 'responder', stream: true }), 'model');
      expectFieldError(await owner.post('/v2/llms/chat/completions', { ...body, model: 'responder' }), 'model');
    });
  });
});
