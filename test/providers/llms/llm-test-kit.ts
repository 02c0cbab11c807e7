/**
 * Shared set-up of the remote LLM client tests: a client aimed at the fake server with fast retries
 * and short timeouts, a generation input, and helpers that collect a stream up to its failure.
 */
import { expect } from 'vitest';
import type { ChatMessage, GenerationInput, ModelParameters } from '../../../src/generation/types.js';
import { LlmError } from '../../../src/generation/types.js';
import { OpenAICompatibleLlm, type RemoteLlmOptions, type RemoteLlmSpec } from '../../../src/providers/llms/openai-compatible.js';

export const QUESTION = 'What colour is the sky over Lisbon today?';
/** What the fake answers QUESTION by default. */
export const DEFAULT_ANSWER = 'Answer: What colour is the sky [1]';

export function makeLlm(uri: string, spec: Partial<RemoteLlmSpec> = {}, options: RemoteLlmOptions = {}): OpenAICompatibleLlm {
  return new OpenAICompatibleLlm(
    { name: 'remote', type: 'openai-compatible', uri, model: 'fake-chat', ...spec },
    { retryBaseMs: 10, responseTimeoutMs: 2_000, idleTimeoutMs: 2_000, totalTimeoutMs: 10_000, ...options },
  );
}

export function generationInput(modelParameters: ModelParameters = {}, signal?: AbortSignal, messages?: ChatMessage[]): GenerationInput {
  return {
    query: QUESTION,
    results: [],
    messages: messages ?? [
      { role: 'system', content: 'Answer from the search results only.' },
      { role: 'user', content: QUESTION },
    ],
    history: [],
    language: 'eng',
    modelParameters,
    ...(signal ? { signal } : {}),
  };
}

/** Every item of a stream until it ends or fails; the failure, when there is one, must be an LlmError. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error?: LlmError }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items };
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return { items, error: err as LlmError };
  }
}

/** The LlmError a promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function rejection(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}
