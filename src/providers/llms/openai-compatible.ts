/**
 * Client for remote LLMs registered through the API (Vectara's CreateOpenAILLMRequest and
 * CreateOpenAIResponsesLLMRequest): any server that speaks OpenAI chat completions (OpenAI,
 * Azure OpenAI, Anthropic's compatible endpoint, Ollama, vLLM, LiteLLM…), or the OpenAI Responses API.
 *
 * Contract:
 * - `generate` streams the answer of a RAG or chat turn, piece by piece as the server sends it.
 * - `complete` / `stream` pass a chat-completions request through for `POST /v2/llms/chat/completions`
 *   (the model is always the configured one). They exist for `openai-compatible` LLMs only: for
 *   `openai-responses` they throw LlmError('rejected'), as that API speaks another format.
 * - `testCall` makes one small non-streamed request, used when an LLM is registered.
 * - Every failure is an LlmError whose message names the endpoint without its query string and
 *   never carries a credential (see http.ts for the kinds and timeouts, retry.ts for retries:
 *   transient failures are retried only before any output was produced).
 * - Aborting `signal` cancels the upstream request and ends the call with LlmError('aborted');
 *   so does a consumer that stops iterating (the request is cancelled, nothing is thrown).
 */
import type { ChatMessage, GenerationInput, LanguageModel } from '../../generation/types.js';
import { LlmError } from '../../generation/types.js';
import {
  chatChunkStep,
  chatGenerationBody,
  chatTestBody,
  completionAsChunk,
  completionOf,
  completionText,
  parseObject,
  type JsonObject,
  type StreamStep,
} from './chat-completions.js';
import { Exchange, RemoteEndpoint, UpstreamFailure, type Limits, type RemoteAuth } from './http.js';
import { responsesEventStep, responsesGenerationBody, responsesTestBody, responseText } from './responses-api.js';
import { retrying, type CallContext, type RetryPolicy } from './retry.js';
import { readSse, SseOverflow, type SseEvent } from './sse-reader.js';

export type { RemoteAuth } from './http.js';

export interface RemoteLlmSpec {
  name: string;
  /** `openai-compatible`: chat completions; `openai-responses`: the OpenAI Responses API. */
  type: 'openai-compatible' | 'openai-responses';
  /** The full endpoint, e.g. http://localhost:11434/v1/chat/completions or https://api.openai.com/v1/responses. */
  uri: string;
  model: string;
  auth?: RemoteAuth;
  /** Extra request headers; they cannot override the auth header or the content type. */
  headers?: Record<string, string>;
}

export interface RemoteLlmOptions {
  /** Until the response headers arrive, in ms (default 60 s; a non-streamed answer is written in this time). */
  responseTimeoutMs?: number;
  /** The longest silence between two pieces of a response body, in ms (default 60 s). */
  idleTimeoutMs?: number;
  /** The whole call, retries and backoff included, in ms (default 5 min). */
  totalTimeoutMs?: number;
  /** Retries after the first attempt, for transient failures before any output (default 2). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry (default 500). */
  retryBaseMs?: number;
  /** The longest Retry-After honoured, in ms; a longer one fails the call at once (default 5 s). */
  maxRetryAfterMs?: number;
}

/** A chat-completions request as `POST /v2/llms/chat/completions` receives it; unknown keys pass through. */
export interface ChatCompletionRequest {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  [other: string]: unknown;
}

/** An upstream completion (CreateChatCompletionResponse): a JSON object with a `choices` array, otherwise as received. */
export type ChatCompletion = JsonObject & { choices: unknown[] };
/** An upstream stream chunk (CreateChatCompletionStreamResponse), as received. */
export type ChatCompletionChunk = JsonObject;

const SSE_ACCEPT = 'text/event-stream';
const JSON_ACCEPT = 'application/json';

/** How one streamed attempt reads its response: per SSE event, and for servers that answer with plain JSON anyway. */
interface StreamFormat<T> {
  event(event: SseEvent): StreamStep<T>;
  whole(json: JsonObject, raw: string): T[];
}

export class OpenAICompatibleLlm implements LanguageModel {
  readonly name: string;
  readonly type: RemoteLlmSpec['type'];
  private readonly endpoint: RemoteEndpoint;
  private readonly limits: Limits;
  private readonly policy: RetryPolicy;
  private readonly totalTimeoutMs: number;

  constructor(
    private readonly spec: RemoteLlmSpec,
    options: RemoteLlmOptions = {},
  ) {
    this.name = spec.name;
    this.type = spec.type;
    this.endpoint = new RemoteEndpoint(spec.name, spec.uri, spec.auth, spec.headers);
    this.limits = { responseTimeoutMs: options.responseTimeoutMs ?? 60_000, idleTimeoutMs: options.idleTimeoutMs ?? 60_000 };
    this.totalTimeoutMs = options.totalTimeoutMs ?? 300_000;
    this.policy = {
      maxRetries: Math.max(0, options.maxRetries ?? 2),
      retryBaseMs: options.retryBaseMs ?? 500,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 5_000,
    };
  }

  async *generate(input: GenerationInput): AsyncGenerator<string> {
    const call = this.call(input.signal);
    if (this.type === 'openai-responses') {
      const body = responsesGenerationBody(this.spec.model, input.messages, input.modelParameters);
      const format: StreamFormat<string> = {
        event: (e) => responsesEventStep(e, this.endpoint),
        whole: (json) => [responseText(json, this.endpoint)].filter(Boolean),
      };
      yield* retrying(() => this.streamAttempt(body, format, call), this.policy, call);
      return;
    }
    const body = chatGenerationBody(this.spec.model, input.messages, input.modelParameters);
    const format: StreamFormat<string> = {
      event: (e) => {
        const step = chatChunkStep(e, this.endpoint);
        // Role-only and finish chunks carry no text; they must not count as output (see retry.ts).
        return { ...step, items: step.items.map((i) => i.text).filter(Boolean) };
      },
      whole: (json, raw) => [completionText(completionOf(json, this.endpoint, raw))].filter(Boolean),
    };
    yield* retrying(() => this.streamAttempt(body, format, call), this.policy, call);
  }

  /**
   * Non-streamed chat completion, passed through with the configured model (and `stream: false`,
   * whatever the request says: streamed requests go to `stream`); resolves with the upstream JSON.
   */
  async complete(request: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatCompletion> {
    this.requireChatCompletions();
    // stream_options is only allowed next to stream: true.
    const { stream_options: _ignored, ...rest } = request;
    const body = { ...rest, model: this.spec.model, stream: false };
    const call = this.call(signal);
    return this.once(() => this.jsonAttempt(body, (json, raw) => completionOf(json, this.endpoint, raw), call), call);
  }

  /** Streamed chat completion, passed through with the configured model; yields the upstream chunk objects as received. */
  async *stream(request: ChatCompletionRequest, signal?: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
    this.requireChatCompletions();
    const body = { ...request, model: this.spec.model, stream: true };
    const call = this.call(signal);
    const format: StreamFormat<ChatCompletionChunk> = {
      event: (e) => {
        const step = chatChunkStep(e, this.endpoint);
        return { ...step, items: step.items.map((i) => i.chunk) };
      },
      whole: (json, raw) => [completionAsChunk(completionOf(json, this.endpoint, raw))],
    };
    yield* retrying(() => this.streamAttempt(body, format, call), this.policy, call);
  }

  /**
   * One small non-streamed request (a short question, a small answer budget, then `testParameters`
   * on top) to check that the LLM answers. Resolves with the answer text, possibly empty (a
   * reasoning model may spend the whole budget thinking); throws an LlmError otherwise.
   */
  async testCall(testParameters: Record<string, unknown> = {}, signal?: AbortSignal): Promise<string> {
    const call = this.call(signal);
    const responses = this.type === 'openai-responses';
    const body = responses ? responsesTestBody(this.spec.model, testParameters) : chatTestBody(this.spec.model, testParameters);
    const read = (json: JsonObject, raw: string) =>
      responses ? responseText(json, this.endpoint) : completionText(completionOf(json, this.endpoint, raw));
    return this.once(() => this.jsonAttempt(body, read, call), call);
  }

  private call(signal?: AbortSignal): CallContext {
    return { deadline: Date.now() + this.totalTimeoutMs, where: this.endpoint.where, ...(signal ? { signal } : {}) };
  }

  private requireChatCompletions(): void {
    if (this.type !== 'openai-compatible') {
      throw new LlmError('rejected', `llm "${this.name}" uses the OpenAI Responses API; chat completions are only available for openai-compatible LLMs`);
    }
  }

  /** The one result of non-streamed attempts, with retries. */
  private async once<T>(attempt: () => AsyncIterable<T>, call: CallContext): Promise<T> {
    for await (const result of retrying(attempt, this.policy, call)) return result;
    throw new LlmError('malformed', `${this.endpoint.where}: no response`); // unreachable: an attempt yields or throws
  }

  /** One non-streamed request: yields the parsed result once. */
  private async *jsonAttempt<T>(body: JsonObject, read: (json: JsonObject, raw: string) => T, call: CallContext): AsyncGenerator<T> {
    const exchange = new Exchange(this.endpoint, this.limits, call.deadline, call.signal);
    try {
      const res = await exchange.post(body, JSON_ACCEPT);
      const raw = await exchange.text(res);
      yield read(parseObject(raw, this.endpoint, 'response'), raw);
    } finally {
      exchange.close();
    }
  }

  /**
   * One streamed request. The stream must reach its end: `[DONE]` / `response.completed`, or a
   * finish_reason followed by the end of the body. A body that ends before that is a dropped
   * connection; a body with no events at all is not an event stream (malformed).
   */
  private async *streamAttempt<T>(body: JsonObject, format: StreamFormat<T>, call: CallContext): AsyncGenerator<T> {
    const exchange = new Exchange(this.endpoint, this.limits, call.deadline, call.signal);
    try {
      const res = await exchange.post(body, SSE_ACCEPT);
      if (isJson(res)) {
        // The server ignored `stream: true`: its whole answer is one piece.
        const raw = await exchange.text(res);
        yield* format.whole(parseObject(raw, this.endpoint, 'response'), raw);
        return;
      }
      const stats = { events: 0, head: '' };
      let finished = false;
      try {
        for await (const event of readSse(exchange.chunks(res), stats)) {
          const step = format.event(event);
          yield* step.items;
          if (step.done) return;
          finished ||= step.finished === true;
        }
      } catch (err) {
        if (err instanceof SseOverflow) throw new LlmError('malformed', `${this.endpoint.where}: ${err.message}`);
        throw err;
      }
      if (finished) return;
      if (stats.events === 0) throw new LlmError('malformed', `${this.endpoint.where}: response is not an event stream: ${this.endpoint.excerpt(stats.head)}`);
      throw new UpstreamFailure('connection', `${this.endpoint.where}: the stream ended before the answer was complete`);
    } finally {
      exchange.close();
    }
  }
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().includes('application/json');
}

