/**
 * The chat-completions pass-through (`complete`, `stream`) behind `POST /v2/llms/chat/completions`,
 * and the trial request made when an LLM is registered (`testCall`), against the fake OpenAI server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js';
import { DEFAULT_ANSWER, QUESTION, drain, makeLlm, rejection } from './llm-test-kit.js';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const request = { model: 'whatever-the-client-says', messages: [{ role: 'user', content: QUESTION }] };

describe('OpenAICompatibleLlm.complete', () => {
  it('passes the request through with the configured model and returns the upstream JSON', async () => {
    const completion = await makeLlm(fake.chatUrl).complete({ ...request, stream: true, stream_options: { include_usage: true }, n: 1, user: 'u-1' });
    expect(fake.requests[0]?.body).toEqual({ model: 'fake-chat', messages: request.messages, stream: false, n: 1, user: 'u-1' });
    expect(fake.requests[0]?.headers.accept).toBe('application/json');
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'fake-chat',
      choices: [{ index: 0, message: { role: 'assistant', content: DEFAULT_ANSWER }, finish_reason: 'stop' }],
    });
    expect(completion.usage).toBeDefined(); // keys the client does not know are kept
  });

  it('retries a 500 and fails malformed or shapeless answers as malformed', async () => {
    fake.script({ kind: 'status', status: 500 });
    expect((await makeLlm(fake.chatUrl).complete(request)).choices).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);

    fake.script({ kind: 'malformed-json' });
    const broken = await rejection(makeLlm(fake.chatUrl).complete(request));
    expect(broken.failure).toBe('malformed');
    expect(broken.message).toContain('response is not JSON: {"id": "chatcmpl-fake"');

    fake.script({ kind: 'status', status: 200, body: '{"result": "no choices here"}' });
    const shapeless = await rejection(makeLlm(fake.chatUrl).complete(request));
    expect(shapeless.failure).toBe('malformed');
    expect(shapeless.message).toContain('no "choices" array');
  });

  it('forwards a 400 as rejected with the upstream status', async () => {
    fake.script({ kind: 'status', status: 400, body: '{"error":{"message":"messages must not be empty"}}' });
    const err = await rejection(makeLlm(fake.chatUrl).complete(request));
    expect(err.failure).toBe('rejected');
    expect(err.upstreamStatus).toBe(400);
    expect(err.message).toContain('messages must not be empty');
  });
});

describe('OpenAICompatibleLlm.stream', () => {
  it('yields the upstream chunk objects as received, with the configured model', async () => {
    const { items, error } = await drain(makeLlm(fake.chatUrl).stream({ ...request, temperature: 0 }));
    expect(error).toBeUndefined();
    expect(fake.requests[0]?.body).toEqual({ model: 'fake-chat', messages: request.messages, stream: true, temperature: 0 });
    expect(items.every((c) => c.object === 'chat.completion.chunk' && c.model === 'fake-chat')).toBe(true);
    const deltas = items.map((c) => (c.choices as Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>)[0]!);
    expect(deltas[0]?.delta.role).toBe('assistant');
    expect(deltas.at(-1)?.finish_reason).toBe('stop');
    expect(deltas.map((d) => d.delta.content ?? '').join('')).toBe(DEFAULT_ANSWER);
  });

  it('turns a plain JSON answer into one chunk', async () => {
    fake.script({ kind: 'answer', stream: false, text: 'All at once.' });
    const { items } = await drain(makeLlm(fake.chatUrl).stream(request));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'All at once.' }, finish_reason: 'stop' }] });
  });

  it('does not retry once a chunk was handed out', async () => {
    fake.script({ kind: 'drop', after: 0 }); // the role chunk went out before the drop
    const { items, error } = await drain(makeLlm(fake.chatUrl).stream(request));
    expect(items).toHaveLength(1);
    expect(error?.failure).toBe('connection');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails a malformed chunk as malformed', async () => {
    fake.script({ kind: 'malformed-chunk', after: 2 });
    const { items, error } = await drain(makeLlm(fake.chatUrl).stream(request));
    expect(items).toHaveLength(3);
    expect(error?.failure).toBe('malformed');
  });

  it('is refused for an LLM that speaks the Responses API', async () => {
    const llm = makeLlm(fake.responsesUrl, { type: 'openai-responses' });
    expect((await rejection(llm.complete(request))).failure).toBe('rejected');
    const { error } = await drain(llm.stream(request));
    expect(error?.failure).toBe('rejected');
    expect(error?.message).toContain('Responses API');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenAICompatibleLlm.testCall', () => {
  it('sends one short non-streamed request with a small budget and the test parameters', async () => {
    fake.script({ kind: 'answer', text: 'OK' });
    await expect(makeLlm(fake.chatUrl).testCall({ temperature: 0, seed: 7 })).resolves.toBe('OK');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body).toEqual({
      model: 'fake-chat',
      messages: [{ role: 'user', content: 'Reply with OK.' }],
      stream: false,
      max_tokens: 16,
      temperature: 0,
      seed: 7,
    });
  });

  it('lets the test parameters set the budget, leaving max_tokens out next to max_completion_tokens', async () => {
    await makeLlm(fake.chatUrl).testCall({ max_tokens: 512 });
    expect(fake.requests[0]?.body.max_tokens).toBe(512);
    await makeLlm(fake.chatUrl).testCall({ max_completion_tokens: 64 });
    expect(fake.requests[1]?.body.max_completion_tokens).toBe(64);
    expect(fake.requests[1]?.body).not.toHaveProperty('max_tokens');
  });

  it('throws an LlmError without the credential when the server refuses', async () => {
    fake.script({ kind: 'status', status: 401, body: (req) => `{"error":"bad key ${String(req.headers['x-api-key'])}"}` });
    const llm = makeLlm(fake.chatUrl, { auth: { type: 'header', header: 'x-api-key', value: 'key-0123456789' } });
    const err = await rejection(llm.testCall());
    expect(err.failure).toBe('rejected');
    expect(err.message).toContain('bad key [redacted]');
    expect(err.message).not.toContain('key-0123456789');
  });
});
