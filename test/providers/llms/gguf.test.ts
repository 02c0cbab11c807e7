/**
 * The GGUF LLM, run for real by llama.cpp on a tiny model the tests write themselves
 * (test/helpers/tiny-gguf.ts): its text is nonsense, so these tests check the mechanics (loading,
 * streaming, budgets, determinism, aborts, concurrency, failures, closing), not the words.
 *
 * The models use one thread: the tiny model needs no more, and spinning threads competing for this
 * machine's two cores slow llama.cpp down by orders of magnitude.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelParameters } from '../../../src/generation/types.js';
import { LlmError } from '../../../src/generation/types.js';
import { GgufLlm } from '../../../src/providers/llms/gguf.js';
import { loadGguf } from '../../../src/providers/llms/gguf-loader.js';
import { chatHistory, DEFAULT_MAX_TOKENS, samplingOptions } from '../../../src/providers/llms/gguf-request.js';
import { CHATML_TEMPLATE, writeTinyGguf } from '../../helpers/tiny-gguf.js';
import { drain, generationInput } from './llm-test-kit.js';

const GREEDY: ModelParameters = { temperature: 0 };

async function text(llm: GgufLlm, modelParameters: ModelParameters = GREEDY): Promise<string> {
  const { items, error } = await drain(llm.generate(generationInput(modelParameters)));
  expect(error).toBeUndefined();
  return items.join('');
}

describe('GgufLlm on a tiny GGUF model', () => {
  let dir: string;
  /** Has a ChatML chat template; two sequences. */
  let chatml: GgufLlm;
  /** No chat template; one sequence, so a second generation waits for the first. */
  let plain: GgufLlm;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-gguf-test-'));
    const withTemplate = writeTinyGguf({ dir: mkdtempSync(join(dir, 'a-')), chatTemplate: CHATML_TEMPLATE });
    const withoutTemplate = writeTinyGguf({ dir: mkdtempSync(join(dir, 'b-')) });
    chatml = new GgufLlm({ name: 'tiny-chatml', path: withTemplate, context_size: 512, threads: 1, parallel: 2 });
    plain = new GgufLlm({ name: 'tiny-plain', path: withoutTemplate, context_size: 512, threads: 1 });
  });
  afterAll(async () => {
    await chatml?.close();
    await plain?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads on first use and streams a reply in several chunks, in the chat template of the model', async () => {
    expect(chatml.chatFormat).toBeUndefined(); // nothing loaded yet
    const started = Date.now();
    const { items, error } = await drain(chatml.generate(generationInput({ ...GREEDY, max_tokens: 16 })));
    console.info(`tiny GGUF: loaded and generated 16 tokens in ${Date.now() - started} ms`);
    expect(error).toBeUndefined();
    expect(items.length).toBeGreaterThan(1);
    expect(items.every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
    expect(items.join('').trim()).not.toBe('');
    expect(chatml.chatFormat).toBe('ChatML');
  });

  it('falls back to a plain-text chat format when the model has no chat template', async () => {
    await plain.load();
    expect(plain.chatFormat).toBe('General');
    expect((await text(plain, { ...GREEDY, max_tokens: 8 })).trim()).not.toBe('');
  });

  it('stops at max_tokens', async () => {
    const { items } = await drain(chatml.generate(generationInput({ ...GREEDY, max_tokens: 4 })));
    const short = items.join('');
    const long = await text(chatml, { ...GREEDY, max_tokens: 24 });
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(4); // every chunk holds at least one token
    expect(long.startsWith(short)).toBe(true); // greedy: the short reply is the start of the long one
    expect(long.length).toBeGreaterThan(short.length);
  });

  it('repeats itself at temperature 0, and with a fixed seed when sampling', async () => {
    const greedy = await text(chatml, { ...GREEDY, max_tokens: 20 });
    expect(await text(chatml, { ...GREEDY, max_tokens: 20 })).toBe(greedy);
    const seeded: ModelParameters = { temperature: 0.9, seed: 7, max_tokens: 20 };
    const sampled = await text(chatml, seeded);
    expect(await text(chatml, seeded)).toBe(sampled);
    // The seed does reach the sampler: on this fixed model another seed takes another path.
    expect(await text(chatml, { ...seeded, seed: 8 })).not.toBe(sampled);
  });

  it('stops promptly when aborted mid-stream, with no chunk after the abort', async () => {
    const fullStart = Date.now();
    await text(chatml, { ...GREEDY, max_tokens: 300 });
    const fullMs = Date.now() - fullStart;

    const controller = new AbortController();
    const received: string[] = [];
    let abortedAt = 0;
    let error: unknown;
    try {
      for await (const chunk of chatml.generate(generationInput({ ...GREEDY, max_tokens: 300 }, controller.signal))) {
        received.push(chunk);
        if (received.length === 2) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    } catch (err) {
      error = err;
    }
    const latencyMs = Date.now() - abortedAt;
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).failure).toBe('aborted');
    expect(received).toHaveLength(2);
    // The error arrives once the evaluation has stopped, long before 300 tokens could be written.
    expect(latencyMs).toBeLessThan(Math.max(fullMs / 3, 5));
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { items, error } = await drain(chatml.generate(generationInput(GREEDY, AbortSignal.abort())));
    expect(items).toEqual([]);
    expect(error?.failure).toBe('aborted');
  });

  it('runs two generations side by side on two sequences', async () => {
    const [a, b] = await Promise.all([text(chatml, { ...GREEDY, max_tokens: 12 }), text(chatml, { ...GREEDY, max_tokens: 12 })]);
    expect(a.trim()).not.toBe('');
    expect(b.trim()).not.toBe('');
  });

  it('queues generations beyond its sequences; an abort leaves the queue at once', async () => {
    const first = text(plain, { ...GREEDY, max_tokens: 60 });
    const controller = new AbortController();
    const queued = drain(plain.generate(generationInput({ ...GREEDY, max_tokens: 60 }, controller.signal)));
    const third = text(plain, { ...GREEDY, max_tokens: 10 });
    controller.abort();
    const abandoned = await queued;
    expect(abandoned.items).toEqual([]);
    expect(abandoned.error?.failure).toBe('aborted');
    expect((await first).trim()).not.toBe('');
    expect((await third).trim()).not.toBe('');
  });

  it('stops the evaluation and gives the sequence back when the consumer stops iterating', async () => {
    const fullStart = Date.now();
    await text(plain, { ...GREEDY, max_tokens: 400 });
    const fullMs = Date.now() - fullStart;

    const stream = plain.generate(generationInput({ ...GREEDY, max_tokens: 400 }));
    expect((await stream.next()).done).toBe(false);
    const stopStart = Date.now();
    await stream.return(undefined); // what `break` in a for-await loop does
    expect(Date.now() - stopStart).toBeLessThan(Math.max(fullMs / 3, 5));
    // One sequence only: this would wait if the abandoned generation still held it.
    expect((await text(plain, { ...GREEDY, max_tokens: 5 })).trim()).not.toBe('');
  });

  it('refuses a prompt longer than the context rather than dropping part of it', async () => {
    const long = Array.from({ length: 600 }, () => 'the answer').join(' ');
    const input = generationInput(GREEDY, undefined, [{ role: 'user', content: long }]);
    const { items, error } = await drain(chatml.generate(input));
    expect(items).toEqual([]);
    expect(error?.failure).toBe('rejected');
    expect(error?.message).toMatch(/"tiny-chatml": the prompt has \d+ tokens, which does not fit in the context size of 512/);
    // The sequence was given back: both sequences still serve.
    const [a, b] = await Promise.all([text(chatml, { ...GREEDY, max_tokens: 4 }), text(chatml, { ...GREEDY, max_tokens: 4 })]);
    expect(a).not.toBe('');
    expect(b).not.toBe('');
  });

  it('rejects a missing file, naming the model and the file but not its directory', async () => {
    const llm = new GgufLlm({ name: 'ghost', path: join(dir, 'missing.gguf') });
    const { error } = await drain(llm.generate(generationInput(GREEDY)));
    expect(error?.failure).toBe('rejected');
    expect(error?.message).toContain('"ghost"');
    expect(error?.message).toContain('missing.gguf');
    expect(error?.message).not.toContain(dir);
    await llm.close();
  });

  it('rejects a file that is not GGUF', async () => {
    const path = join(dir, 'notes.gguf');
    writeFileSync(path, 'just some text, not a model');
    const { error } = await drain(new GgufLlm({ name: 'notes', path }).generate(generationInput(GREEDY)));
    expect(error?.failure).toBe('rejected');
    expect(error?.message).toMatch(/"notes".*notes\.gguf is not a GGUF file/);
  });

  it('rejects a damaged GGUF file that llama.cpp cannot load, without the directory in the message', async () => {
    const path = join(dir, 'cut.gguf');
    const whole = writeTinyGguf({ dir: mkdtempSync(join(dir, 'c-')) });
    writeFileSync(path, readFileSync(whole).subarray(0, 4096)); // magic and header intact, the rest cut off
    const llm = new GgufLlm({ name: 'cut', path, threads: 1 });
    const { error } = await drain(llm.generate(generationInput(GREEDY)));
    expect(error?.failure).toBe('rejected');
    expect(error?.message).toContain('"cut"');
    expect(error?.message).not.toContain(dir);
    await llm.close();
  });

  it('says which package to install when node-llama-cpp is missing', async () => {
    const absent = 'node-llama-cpp-is-not-installed';
    const path = writeTinyGguf({ dir: mkdtempSync(join(dir, 'd-')) });
    const err = await loadGguf({ name: 'tiny', path }, () => import(absent)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).failure).toBe('rejected');
    expect((err as LlmError).message).toContain('npm install node-llama-cpp@3.21.1');
  });

  it('close() ends running generations and refuses later ones', async () => {
    const path = writeTinyGguf({ dir: mkdtempSync(join(dir, 'e-')) });
    const llm = new GgufLlm({ name: 'closing', path, context_size: 512, threads: 1 });
    const stream = llm.generate(generationInput({ ...GREEDY, max_tokens: 400 }))[Symbol.asyncIterator]();
    const firstChunk = await stream.next();
    expect(firstChunk.done).toBe(false);
    await llm.close();
    const rest = await drain({ [Symbol.asyncIterator]: () => stream });
    expect(rest.error?.failure).toBe('aborted');
    expect(llm.chatFormat).toBeUndefined();
    const after = await drain(llm.generate(generationInput(GREEDY)));
    expect(after.error?.failure).toBe('rejected');
    await llm.close(); // a second close is harmless
  });
});

describe('GGUF request mapping', () => {
  it('maps the chat roles: system and developer, assistant, anything else as the user', () => {
    expect(
      chatHistory([
        { role: 'system', content: 's' },
        { role: 'developer', content: 'd' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        { role: 'tool', content: 't' },
      ]),
    ).toEqual([
      { type: 'system', text: 's' },
      { type: 'system', text: 'd' },
      { type: 'user', text: 'u' },
      { type: 'model', response: ['a'] },
      { type: 'user', text: 't' },
    ]);
  });

  it('maps the sampling parameters, with defaults and without invalid values', () => {
    expect(samplingOptions({})).toEqual({ maxTokens: DEFAULT_MAX_TOKENS, temperature: 0.8 });
    expect(
      samplingOptions({ max_tokens: 7.9, temperature: 0, top_p: 1.5, top_k: 40, seed: 3, frequency_penalty: 0.5, presence_penalty: -1 }),
    ).toEqual({ maxTokens: 7, temperature: 0, topP: 1, topK: 40, seed: 3, repeatPenalty: { frequencyPenalty: 0.5 } });
    expect(samplingOptions({ max_tokens: 0, temperature: -1, seed: 'x' })).toEqual({ maxTokens: DEFAULT_MAX_TOKENS, temperature: 0.8 });
  });
});
