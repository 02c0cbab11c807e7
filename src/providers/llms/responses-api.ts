/**
 * The OpenAI Responses API wire format (reasoning models such as o1 and o3).
 *
 * Request:  POST {uri} {"model", "input": [{"role", "content"}], "stream", "max_output_tokens"?, …}
 * Streamed: typed events; the answer comes in `response.output_text.delta` events (`delta`), the end
 *           is `response.completed` (or `response.incomplete` when the output budget ran out, which
 *           still is an answer); `response.failed` and `error` events report a failure.
 * Whole:    {"status", "output": [{"type":"message","content":[{"type":"output_text","text"}]}]}; the
 *           `output_text` shortcut some servers add is used when present.
 */
import type { ChatMessage, ModelParameters } from '../../generation/types.js';
import { LlmError } from '../../generation/types.js';
import { errorText, isObject, parseObject, passedParameters, type JsonObject, type StreamStep } from './chat-completions.js';
import type { RemoteEndpoint } from './http.js';
import type { SseEvent } from './sse-reader.js';

/**
 * The generation request. Chat-completions parameters are mapped: max_tokens becomes
 * max_output_tokens; frequency_penalty and presence_penalty are left out, as the Responses API has
 * no such parameters and refuses requests that carry them. Everything else passes through.
 */
export function responsesGenerationBody(model: string, messages: ChatMessage[], parameters: ModelParameters): JsonObject {
  const { max_tokens, frequency_penalty: _f, presence_penalty: _p, ...rest } = passedParameters(parameters);
  return {
    ...rest,
    ...(max_tokens !== undefined ? { max_output_tokens: max_tokens } : {}),
    model,
    // Input messages have no `name`; sending it would get the request refused.
    input: messages.map(({ role, content }) => ({ role, content })),
    stream: true,
  };
}

/** The connection test: one short question; 16 is the smallest output budget the API accepts. */
export function responsesTestBody(model: string, testParameters: JsonObject): JsonObject {
  const budget = 'max_output_tokens' in testParameters ? {} : { max_output_tokens: 16 };
  return { ...budget, ...testParameters, model, input: [{ role: 'user', content: 'Reply with OK.' }], stream: false };
}

export function responsesEventStep(event: SseEvent, endpoint: RemoteEndpoint): StreamStep<string> {
  const data = event.data.trim();
  if (data === '[DONE]') return { items: [], done: true }; // not in the API, but some compatible servers send it
  if (data === '') return { items: [] };
  const body = parseObject(data, endpoint, 'stream event');
  const type = typeof body.type === 'string' ? body.type : event.event;
  switch (type) {
    case 'response.output_text.delta':
      if (typeof body.delta !== 'string') throw new LlmError('malformed', `${endpoint.where}: text delta without a "delta" string: ${endpoint.excerpt(data)}`);
      return { items: body.delta ? [body.delta] : [] };
    case 'response.completed':
    case 'response.incomplete':
      return { items: [], done: true };
    case 'response.failed': {
      const response = isObject(body.response) ? body.response : {};
      throw new LlmError('upstream', `${endpoint.where}: the response failed: ${endpoint.excerpt(errorText(response.error ?? 'no reason given'))}`);
    }
    case 'error':
      throw new LlmError('upstream', `${endpoint.where}: the stream reported an error: ${endpoint.excerpt(errorText(body.error ?? body))}`);
    default:
      return { items: [] }; // created, in_progress, reasoning and item bookkeeping events
  }
}

/** The answer text of a whole response; a failed response is an upstream error. */
export function responseText(json: JsonObject, endpoint: RemoteEndpoint): string {
  if (json.status === 'failed') {
    throw new LlmError('upstream', `${endpoint.where}: the response failed: ${endpoint.excerpt(errorText(json.error ?? 'no reason given'))}`);
  }
  if (typeof json.output_text === 'string') return json.output_text;
  if (!Array.isArray(json.output)) throw new LlmError('malformed', `${endpoint.where}: response has no "output" array`);
  const texts: string[] = [];
  for (const item of json.output) {
    if (!isObject(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content) if (isObject(part) && part.type === 'output_text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('');
}
