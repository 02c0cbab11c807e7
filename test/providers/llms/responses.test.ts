/**
 * The remote LLM client in `openai-responses` mode (the OpenAI Responses API), against the fake
 * OpenAI server's Responses endpoint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js';
import { DEFAULT_ANSWER, QUESTION, drain, generationInput, makeLlm } from './llm-test-kit.js';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const responsesLlm = (options = {}) => makeLlm(fake.responsesUrl, { type: 'openai-responses', model: 'o3-fake' }, options);

describe('OpenAICompatibleLlm in Responses API mode', () => {
  it('streams the output text deltas and sends input, stream and mapped parameters', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: QUESTION, name: 'alice' },
    ];
    const params = { max_tokens: 200, temperature: 1, frequency_penalty: 0.5, presence_penalty: 0.5, reasoning: { effort: 'low' }, llm_name: 'remote' };
    const { items, error } = await drain(responsesLlm().generate(generationInput(params, undefined, messages)));
    expect(error).toBeUndefined();
    expect(items).toEqual(['Answer: ', 'What ', 'colour ', 'is ', 'the ', 'sky ', '[1]']);
    expect(items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests[0]?.path).toBe('/v1/responses');
    expect(fake.requests[0]?.body).toEqual({
      model: 'o3-fake',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: QUESTION },
      ],
      stream: true,
      max_output_tokens: 200,
      temperature: 1,
      reasoning: { effort: 'low' },
    });
  });

  it('takes a plain JSON response from its output items', async () => {
    fake.script({ kind: 'answer', stream: false, text: 'Reasoned answer [1]' });
    const { items, error } = await drain(responsesLlm().generate(generationInput()));
    expect(error).toBeUndefined();
    expect(items).toEqual(['Reasoned answer [1]']);
  });

  it('reports response.failed as upstream; retried before any output, final after', async () => {
    fake.script({ kind: 'stream-error', after: 0, message: 'server busy' });
    const retried = await drain(responsesLlm().generate(generationInput()));
    expect(retried.error).toBeUndefined();
    expect(retried.items.join('')).toBe(DEFAULT_ANSWER);
    expect(fake.requests).toHaveLength(2);

    fake.reset();
    fake.script({ kind: 'stream-error', after: 2, message: 'server busy' });
    const { items, error } = await drain(responsesLlm().generate(generationInput()));
    expect(items).toEqual(['Answer: ', 'What ']);
    expect(error?.failure).toBe('upstream');
    expect(error?.message).toContain('the response failed: server busy');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a stream that ends before response.completed as a lost connection', async () => {
    fake.script({ kind: 'cut', after: 1 });
    const { items, error } = await drain(responsesLlm().generate(generationInput()));
    expect(items).toEqual(['Answer: ']);
    expect(error?.failure).toBe('connection');
  });

  it('reports a malformed event as malformed', async () => {
    fake.script({ kind: 'malformed-chunk', after: 1 });
    const { error } = await drain(responsesLlm().generate(generationInput()));
    expect(error?.failure).toBe('malformed');
    expect(error?.message).toContain('stream event is not JSON');
  });

  it('testCall sends a small non-streamed request and returns the output text', async () => {
    fake.script({ kind: 'answer', text: 'OK' });
    await expect(responsesLlm().testCall({ reasoning: { effort: 'minimal' } })).resolves.toBe('OK');
    expect(fake.requests[0]?.body).toEqual({
      model: 'o3-fake',
      input: [{ role: 'user', content: 'Reply with OK.' }],
      stream: false,
      max_output_tokens: 16,
      reasoning: { effort: 'minimal' },
    });
  });

  it('testCall fails on a 503 after bounded retries', async () => {
    fake.script([503, 503].map((status) => ({ kind: 'status' as const, status })));
    await expect(responsesLlm({ maxRetries: 1 }).testCall()).rejects.toMatchObject({ failure: 'upstream', upstreamStatus: 503 });
    expect(fake.requests).toHaveLength(2);
  });
});
