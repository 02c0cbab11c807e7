/**
 * The OpenAI chat-completions wire format: request bodies, streamed chunks, whole completions.
 *
 * Request:  POST {uri} {"model", "messages", "stream", …sampling parameters}
 * Streamed: `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":…},"finish_reason":…}]}`
 *           events, ended by `data: [DONE]`. Some servers end after a finish_reason without [DONE];
 *           some put `{"error": …}` in a chunk when they fail mid-stream.
 * Whole:    {"object":"chat.completion","choices":[{"index":0,"message":{"role","content"},"finish_reason"}]}
 */
import type { ChatMessage, ModelParameters } from '../../generation/types.js';
import { LlmError } from '../../generation/types.js';
import type { RemoteEndpoint } from './http.js';
import type { SseEvent } from './sse-reader.js';

export type JsonObject = Record<string, unknown>;

/** What one streamed event means: text and/or the raw chunk, and how far the answer has come. */
export type StreamStep<T> = { items: T[]; finished?: boolean; done?: boolean };

/**
 * The generation request: the model parameters (minus `llm_name`, which names the LLM to Quarry
 * and means nothing upstream) and then the fixed keys, so a parameter cannot turn streaming off
 * or swap the model or messages.
 */
export function chatGenerationBody(model: string, messages: ChatMessage[], parameters: ModelParameters): JsonObject {
  return { ...passedParameters(parameters), model, messages, stream: true };
}

/** A request for the connection test: one short question and a small answer budget, unless the test parameters say otherwise. */
export function chatTestBody(model: string, testParameters: JsonObject): JsonObject {
  // Newer OpenAI models refuse max_tokens next to max_completion_tokens: add ours only when neither is set.
  const budget = 'max_tokens' in testParameters || 'max_completion_tokens' in testParameters ? {} : { max_tokens: 16 };
  return { ...budget, ...testParameters, model, messages: [{ role: 'user', content: 'Reply with OK.' }], stream: false };
}

/** Model parameters to send: everything but llm_name, without undefined values. */
export function passedParameters(parameters: ModelParameters): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(parameters)) if (key !== 'llm_name' && value !== undefined) out[key] = value;
  return out;
}

/** One streamed event: `[DONE]` ends the stream, anything else must be a JSON object chunk. */
export function chatChunkStep(event: SseEvent, endpoint: RemoteEndpoint): StreamStep<{ chunk: JsonObject; text: string }> {
  const data = event.data.trim();
  if (data === '[DONE]') return { items: [], done: true };
  if (data === '') return { items: [] }; // a keep-alive
  const chunk = parseObject(data, endpoint, 'stream chunk');
  if (chunk.error !== undefined && chunk.error !== null) {
    throw new LlmError('upstream', `${endpoint.where}: the stream reported an error: ${endpoint.excerpt(errorText(chunk.error))}`);
  }
  if (chunk.choices !== undefined && !Array.isArray(chunk.choices)) {
    throw new LlmError('malformed', `${endpoint.where}: stream chunk has a non-array "choices": ${endpoint.excerpt(data)}`);
  }
  const choices = (chunk.choices ?? []) as unknown[];
  const first = firstChoice(choices);
  const delta = (first?.delta ?? {}) as JsonObject;
  const text = typeof delta.content === 'string' ? delta.content : '';
  const finished = choices.some((c) => isObject(c) && c.finish_reason !== undefined && c.finish_reason !== null);
  return { items: [{ chunk, text }], finished };
}

/** Checks a whole completion's shape: a JSON object with a `choices` array. */
export function completionOf(json: unknown, endpoint: RemoteEndpoint, raw: string): JsonObject & { choices: unknown[] } {
  if (!isObject(json) || !Array.isArray(json.choices)) {
    throw new LlmError('malformed', `${endpoint.where}: response has no "choices" array: ${endpoint.excerpt(raw)}`);
  }
  return json as JsonObject & { choices: unknown[] };
}

/** The answer text of a whole completion (first choice); empty when it has none. */
export function completionText(completion: { choices: unknown[] }): string {
  const message = firstChoice(completion.choices)?.message;
  return isObject(message) && typeof message.content === 'string' ? message.content : '';
}

/** A whole completion as the one chunk a stream would have carried (servers that ignore `stream: true`). */
export function completionAsChunk(completion: JsonObject & { choices: unknown[] }): JsonObject {
  return {
    ...completion,
    object: 'chat.completion.chunk',
    choices: completion.choices.map((c, i) => {
      const choice = isObject(c) ? c : {};
      const { message, ...rest } = choice;
      return { index: i, ...rest, delta: isObject(message) ? message : {} };
    }),
  };
}

export function parseObject(text: string, endpoint: RemoteEndpoint, what: string): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LlmError('malformed', `${endpoint.where}: ${what} is not JSON: ${endpoint.excerpt(text)}`);
  }
  if (!isObject(json)) throw new LlmError('malformed', `${endpoint.where}: ${what} is not a JSON object: ${endpoint.excerpt(text)}`);
  return json;
}

export function errorText(error: unknown): string {
  if (isObject(error) && typeof error.message === 'string') return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The choice with index 0 (servers may send several, in any order), else the first. */
function firstChoice(choices: unknown[]): JsonObject | undefined {
  const objects = choices.filter(isObject);
  return objects.find((c) => (c.index ?? 0) === 0) ?? objects[0];
}
