import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { CHATML_TEMPLATE, writeTinyGguf } from '../helpers/tiny-gguf.js';
import { createCorpus, expectError, expectOk, expectStream, type Client } from './support.js';

/**
 * A local GGUF model named in the configuration is an LLM like any other: listed, not deletable,
 * used by queries, streams and presets mapped to it, run for real by llama.cpp. The tiny model the
 * test writes produces nonsense, so the checks are about the mechanics, not the words.
 */
describe('a configured GGUF model', () => {
  let server: TestServer;
  let owner: Client;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-gguf-http-'));
    const model = writeTinyGguf({ dir, chatTemplate: CHATML_TEMPLATE });
    const notGguf = join(dir, 'broken.gguf');
    writeFileSync(notGguf, 'this is not a model');
    server = await startTestApp({
      gguf_llms: [
        { name: 'tiny-local', path: model, context_size: 512, threads: 1 },
        { name: 'broken-local', path: notGguf },
      ],
      generation_preset_llms: { 'mockingbird-2.0': 'tiny-local' },
    });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    expectOk(await owner.post('/v2/corpora/kb/documents', { type: 'core', id: 'd', document_parts: [{ text: 'The cat sat on the mat.' }] }), 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A short prompt: the tiny model's context is 512 tokens.
  const generation = (extra: Record<string, unknown> = {}) => ({
    prompt_template: '[{"role": "user", "content": "$esc.java($vectaraQuery)"}]',
    model_parameters: { max_tokens: 8, temperature: 0 },
    citations: { style: 'none' },
    ...extra,
  });

  it('is listed after the built-in LLM, and cannot be deleted', async () => {
    const res = await owner.get('/v2/llms');
    expectOk(res, 'listLLMs', 200);
    const local = (res.body.llms as any[]).find((l) => l.name === 'tiny-local');
    expect(local).toMatchObject({ id: 'llm_2', enabled: true, default: false });
    expect(local.description).toMatch(/GGUF/);
    expectError(await owner.delete('/v2/llms/llm_2'), 403);
  });

  it('answers a query by name, whole and streamed, the same at temperature 0', async () => {
    const body = { query: 'cat', search: { lexical_interpolation: 1 }, generation: generation({ model_parameters: { llm_name: 'tiny-local', max_tokens: 8, temperature: 0 } }) };
    const whole = await owner.post('/v2/corpora/kb/query', body);
    expectOk(whole, 'queryCorpus', 200);
    expect(whole.body.summary.length).toBeGreaterThan(0);
    const streamed = await owner.post('/v2/corpora/kb/query', { ...body, stream_response: true });
    const events = expectStream(streamed, 'QueryStreamedResponse');
    const text = events.filter((e) => e.data.type === 'generation_chunk').map((e) => e.data.generation_chunk).join('');
    expect(text).toBe(whole.body.summary);
    expect(events.at(-1)!.data.type).toBe('end');
  });

  it('serves a preset the configuration maps to it', async () => {
    const presets = await owner.get('/v2/generation_presets?limit=100');
    const mapped = (presets.body.generation_presets as any[]).find((p) => p.name === 'mockingbird-2.0');
    expect(mapped.llm_name).toBe('tiny-local');
    expect(mapped.description).toMatch(/tiny-local/);
    const res = await owner.post('/v2/corpora/kb/query', { query: 'cat', search: { lexical_interpolation: 1 }, generation: generation({ generation_preset_name: 'mockingbird-2.0' }) });
    expectOk(res, 'queryCorpus', 200);
    expect(res.body.summary.length).toBeGreaterThan(0);
  });

  it('answers OpenAI chat completions, whole and streamed', async () => {
    const body = { model: 'tiny-local', messages: [{ role: 'user', content: 'cat' }], max_tokens: 6, temperature: 0 };
    const whole = await owner.post('/v2/llms/chat/completions', body);
    expectOk(whole, 'createChatCompletion', 200);
    const content = whole.body.choices[0].message.content as string;
    expect(content.length).toBeGreaterThan(0);
    const streamed = await owner.post('/v2/llms/chat/completions', { ...body, stream: true });
    const frames = streamed.text.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
    expect(frames.at(-1)).toBe('[DONE]');
    const text = frames.slice(0, -1).map((f) => JSON.parse(f)).map((c) => c.choices[0].delta.content ?? '').join('');
    expect(text).toBe(content);
  });

  it('answers 502 naming the model when its file is not a GGUF model', async () => {
    const res = await owner.post('/v2/corpora/kb/query', {
      query: 'cat',
      search: { lexical_interpolation: 1 },
      generation: generation({ model_parameters: { llm_name: 'broken-local' } }),
    });
    expectError(res, 502);
    expect(res.body.messages[0]).toMatch(/broken-local/);
    expect(res.body.messages[0]).not.toContain(dir);
  });
});
