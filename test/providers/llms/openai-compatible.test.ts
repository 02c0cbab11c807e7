/**
 * The remote LLM client in chat-completions mode, against the fake OpenAI server: streaming and
 * plain answers, what is sent (parameters, auth, headers), every failure kind with a message that
 * never shows the secret, retries before output only, and cancellation of the upstream request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js';
import { DEFAULT_ANSWER, QUESTION, drain, generationInput, makeLlm, rejection } from './llm-test-kit.js';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const SECRET = 'sk-secret-token-4711';
const WORDS = ['Answer: ', 'What ', 'colour ', 'is ', 'the ', 'sky ', '[1]'];

describe('OpenAICompatibleLlm.generate', () => {
  it('streams the answer piece by piece and sends model, messages, stream and the model parameters', async () => {
    const llm = makeLlm(fake.chatUrl);
    const params = { max_tokens: 300, temperature: 0.2, frequency_penalty: 0.1, presence_penalty: 0.3, top_p: 0.9, llm_name: 'remote', stream: false, model: 'other' };
    const { items, error } = await drain(llm.generate(generationInput(params)));
    expect(error).toBeUndefined();
    expect(items).toEqual(WORDS);
    expect(items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('text/event-stream');
    // llm_name stays in Quarry; a parameter cannot turn streaming off or swap the model.
    expect(sent.body).toEqual({
      model: 'fake-chat',
      messages: [
        { role: 'system', content: 'Answer from the search results only.' },
        { role: 'user', content: QUESTION },
      ],
      stream: true,
      max_tokens: 300,
      temperature: 0.2,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      top_p: 0.9,
    });
  });

  it('hands out pieces as they arrive, before the stream is over', async () => {
    fake.script({ kind: 'stall', after: 2 });
    const stream = makeLlm(fake.chatUrl, {}, { idleTimeoutMs: 5_000 }).generate(generationInput())[Symbol.asyncIterator]();
    expect((await stream.next()).value).toBe('Answer: ');
    expect((await stream.next()).value).toBe('What ');
    await stream.return?.(undefined);
  });

  it('accepts a stream that ends after a finish_reason without [DONE]', async () => {
    fake.script({ kind: 'answer', text: 'Short answer [1]', omitDone: true });
    const { items, error } = await drain(makeLlm(fake.chatUrl).generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items.join('')).toBe('Short answer [1]');
  });

  it('takes a plain JSON answer from a server that does not stream', async () => {
    fake.script({ kind: 'answer', stream: false, text: 'Whole answer at once [1]' });
    const { items, error } = await drain(makeLlm(fake.chatUrl).generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items).toEqual(['Whole answer at once [1]']);
  });

  it('sends a bearer token and the extra headers, which cannot override auth or content type', async () => {
    const llm = makeLlm(fake.chatUrl, {
      auth: { type: 'bearer', token: SECRET },
      headers: { 'X-Tenant': 'acme', Authorization: 'Bearer forged', 'Content-Type': 'text/plain' },
    });
    await drain(llm.generate(generationInput()));
    const headers = fake.requests[0]!.headers;
    expect(headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['content-type']).toBe('application/json');
  });

  it('sends a custom auth header instead of Authorization', async () => {
    const llm = makeLlm(fake.chatUrl, { auth: { type: 'header', header: 'x-api-key', value: SECRET }, headers: { 'X-API-KEY': 'forged' } });
    await drain(llm.generate(generationInput()));
    const headers = fake.requests[0]!.headers;
    expect(headers['x-api-key']).toBe(SECRET);
    expect(headers.authorization).toBeUndefined();
  });
});

describe('OpenAICompatibleLlm failures', () => {
  const withSecret = (options = {}) => makeLlm(`${fake.chatUrl}?api-version=2024-06-01`, { auth: { type: 'bearer', token: SECRET } }, options);

  it('fails a 401 at once as rejected, with status, endpoint and excerpt but neither secret nor query string', async () => {
    fake.script({ kind: 'status', status: 401, body: (req) => JSON.stringify({ error: { message: `invalid key ${String(req.headers.authorization)}` } }) });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(items).toEqual([]);
    expect(error?.failure).toBe('rejected');
    expect(error?.upstreamStatus).toBe(401);
    expect(error?.message).toContain('HTTP 401');
    expect(error?.message).toContain('invalid key Bearer [redacted]');
    expect(error?.message).toContain(`${fake.chatUrl})`);
    expect(error?.message).not.toContain(SECRET);
    expect(error?.message).not.toContain('api-version');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 429 after its Retry-After, then answers', async () => {
    fake.script({ kind: 'status', status: 429, retryAfter: 1 });
    const started = Date.now();
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a 429 at once when Retry-After is long', async () => {
    fake.script({ kind: 'status', status: 429, retryAfter: 60 });
    const { error } = await drain(withSecret().generate(generationInput()));
    expect(error?.failure).toBe('rate_limited');
    expect(error?.upstreamStatus).toBe(429);
    expect(error?.message).toContain('retry after 60 s');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a 500 before any output, and reports a persistent one as upstream after bounded attempts', async () => {
    fake.script({ kind: 'status', status: 500 });
    expect((await drain(withSecret().generate(generationInput()))).items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests).toHaveLength(2);

    fake.reset();
    fake.script([500, 502, 503].map((status) => ({ kind: 'status' as const, status })));
    const { error } = await drain(withSecret({ maxRetries: 2 }).generate(generationInput()));
    expect(error?.failure).toBe('upstream');
    expect(error?.upstreamStatus).toBe(503);
    expect(error?.message).toMatch(/HTTP 503: .*fake upstream error \(HTTP 503\).*\(after 3 attempts\)/);
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a server that does not answer, retrying a bounded number of times', async () => {
    fake.script([{ kind: 'hang' }, { kind: 'hang' }]);
    const { error } = await drain(withSecret({ responseTimeoutMs: 150, maxRetries: 1 }).generate(generationInput()));
    expect(error?.failure).toBe('timeout');
    expect(error?.message).toContain('no response within 150 ms');
    expect(error?.message).toContain('(after 2 attempts)');
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a slow server that timed out, then answers', async () => {
    fake.script({ kind: 'slow', delayMs: 1_000 });
    const { items, error } = await drain(withSecret({ responseTimeoutMs: 200 }).generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests).toHaveLength(2);
  });

  it('times out a stream that goes silent, without retrying once output was given', async () => {
    fake.script({ kind: 'stall', after: 2 });
    const { items, error } = await drain(withSecret({ idleTimeoutMs: 200 }).generate(generationInput()));
    expect(items).toEqual(['Answer: ', 'What ']);
    expect(error?.failure).toBe('timeout');
    expect(error?.message).toContain('nothing received for 200 ms');
    expect(fake.requests).toHaveLength(1);
    await fake.requests[0]!.gone; // the stalled upstream request was cancelled
  });

  it('stops at the total time limit even while pieces keep coming', async () => {
    fake.script({ kind: 'answer', text: 'one two three four five six seven eight nine ten', chunkDelayMs: 100 });
    const { items, error } = await drain(withSecret({ totalTimeoutMs: 350 }).generate(generationInput()));
    expect(error?.failure).toBe('timeout');
    expect(error?.message).toContain('total time limit');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(10);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { error } = await drain(makeLlm(`http://127.0.0.1:${port}/v1/chat/completions`, {}, { maxRetries: 0 }).generate(generationInput()));
    expect(error?.failure).toBe('connection');
    expect(error?.message).toContain('ECONNREFUSED');
  });

  it('reports a connection dropped mid-stream, without retrying once output was given', async () => {
    fake.script({ kind: 'drop', after: 2 });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(items).toEqual(['Answer: ', 'What ']);
    expect(error?.failure).toBe('connection');
    expect(error?.message).toContain('connection lost during the response');
    expect(error?.message).not.toContain('attempts');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a stream dropped before any text, then answers', async () => {
    fake.script({ kind: 'drop', after: 0 });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items).toEqual(WORDS);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a stream that ends cleanly but before its finish as a lost connection', async () => {
    fake.script({ kind: 'cut', after: 3 });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(items).toEqual(WORDS.slice(0, 3));
    expect(error?.failure).toBe('connection');
    expect(error?.message).toContain('ended before the answer was complete');
  });

  it('fails on a malformed chunk mid-stream, with an excerpt, without retrying', async () => {
    fake.script({ kind: 'malformed-chunk', after: 1 });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(items).toEqual(['Answer: ']);
    expect(error?.failure).toBe('malformed');
    expect(error?.message).toContain('stream chunk is not JSON: {"choices"');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails on a malformed JSON answer without retrying', async () => {
    fake.script({ kind: 'malformed-json' });
    const { error } = await drain(withSecret().generate(generationInput()));
    expect(error?.failure).toBe('malformed');
    expect(error?.message).toContain('response is not JSON');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports an error event in the stream as upstream', async () => {
    fake.script({ kind: 'stream-error', after: 2, message: 'model overloaded' });
    const { items, error } = await drain(withSecret().generate(generationInput()));
    expect(items).toEqual(['Answer: ', 'What ']);
    expect(error?.failure).toBe('upstream');
    expect(error?.message).toContain('model overloaded');
  });

  it('reports a 200 that is not an event stream as malformed', async () => {
    fake.script({ kind: 'status', status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Login required</body></html>' });
    const { error } = await drain(withSecret().generate(generationInput()));
    expect(error?.failure).toBe('malformed');
    expect(error?.message).toContain('not an event stream: <html><body>Login required');
  });

  it('rejects an unusable uri up front', () => {
    expect(() => makeLlm('not a url')).toThrow(/invalid uri/);
    expect(() => makeLlm('ftp://example.invalid/v1/chat/completions')).toThrow(/http/);
    expect(() => makeLlm('http://user:pw@example.invalid/v1/chat/completions')).toThrow(/credentials/);
  });
});

describe('OpenAICompatibleLlm cancellation', () => {
  it('aborting mid-stream ends the call with aborted and cancels the upstream request', async () => {
    fake.script({ kind: 'stall', after: 1 });
    const controller = new AbortController();
    const stream = makeLlm(fake.chatUrl).generate(generationInput({}, controller.signal))[Symbol.asyncIterator]();
    expect((await stream.next()).value).toBe('Answer: ');
    const next = stream.next();
    controller.abort();
    const error = await rejection(next);
    expect(error.failure).toBe('aborted');
    await fake.requests[0]!.gone;
    expect(fake.requests[0]!.clientGone).toBe(true);
  });

  it('aborting while waiting for the response cancels it and does not retry', async () => {
    fake.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = drain(makeLlm(fake.chatUrl).generate(generationInput({}, controller.signal)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const { error } = await pending;
    expect(error?.failure).toBe('aborted');
    await fake.requests[0]!.gone;
    expect(fake.requests).toHaveLength(1);
  });

  it('does not call the server when already aborted', async () => {
    const { error } = await drain(makeLlm(fake.chatUrl).generate(generationInput({}, AbortSignal.abort())));
    expect(error?.failure).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });

  it('a consumer that stops reading cancels the upstream request', async () => {
    fake.script({ kind: 'stall', after: 2 });
    for await (const piece of makeLlm(fake.chatUrl).generate(generationInput())) {
      expect(piece).toBe('Answer: ');
      break;
    }
    await fake.requests[0]!.gone;
    expect(fake.requests[0]!.clientGone).toBe(true);
  });
});
