/**
 * A fake OpenAI-compatible LLM server for the whole test suite: real HTTP on 127.0.0.1 (port 0),
 * scripted per request. It stands for the outside world (OpenAI, Ollama, vLLM…), so tests of the
 * LLM client, of queries and chats with a remote LLM, of LLM registration and of the
 * chat-completions proxy all run against it.
 *
 *   const fake = await startFakeOpenAI();            // afterAll(() => fake.close())
 *   // register an LLM with uri fake.chatUrl (chat completions) or fake.responsesUrl (Responses API)
 *   fake.script({ kind: 'status', status: 429, retryAfter: 0 });   // the next request gets a 429…
 *   fake.script([{ kind: 'drop', after: 2 }, { kind: 'answer', text: 'Hi [1]' }]);  // …then these, in order
 *   fake.requests[0]?.body.messages                   // what the client sent
 *
 * Protocol: a request whose path ends in `/responses` is answered in the OpenAI Responses API
 * format; any other POST path in the chat-completions format. Whether the answer is streamed
 * (server-sent events) follows the request's `stream` flag unless a behaviour says otherwise.
 *
 * Script: each request takes the next behaviour (they are consumed in order, one per request);
 * when the script is empty the request gets `{ kind: 'answer' }`, the default answer, built from
 * the last user message: `Answer: <its first five words> [1]` (see `defaultAnswer`). Streamed
 * answers are sent one word per chunk (whitespace kept, so the chunks join to the exact text).
 *
 * Behaviours (`after` counts text chunks sent before the failure, default 1):
 * - answer          200 with the answer; `text`, `chunks` (explicit pieces), `chunkDelayMs`,
 *                   `stream` (force streamed or plain JSON), `omitDone` (no `data: [DONE]`, the
 *                   finish_reason chunk still ends the stream, as some servers do).
 * - slow            waits `delayMs` before sending anything, then behaves as `then` (default answer).
 * - hang            never answers (the request stays open until the client gives up or close()).
 * - status          that HTTP status with an OpenAI-style error body (or `body`, a string or a
 *                   function of the request, e.g. to echo a received credential); `retryAfter`
 *                   sets the Retry-After header; `headers` adds more.
 * - malformed-json  200 application/json with a truncated JSON body.
 * - malformed-chunk streams `after` chunks, then an event whose data is not JSON, then the rest.
 * - drop            streams `after` chunks, then destroys the socket (connection lost mid-stream).
 * - cut             streams `after` chunks, then ends the body cleanly without finish or [DONE].
 * - stall           streams `after` chunks, then goes silent with the connection open (idle timeouts).
 * - stream-error    streams `after` chunks, then an error event (chat: `{"error":…}` chunk;
 *                   Responses API: `response.failed`), then ends.
 *
 * Requests are recorded in `requests` (in arrival order) with their headers and parsed body, and
 * whether the client went away before the response was complete (`clientGone`, `gone`): that is
 * how a test sees that an aborted call really cancelled the upstream request.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Pieces {
  /** The answer text (default: `defaultAnswer` of the request). */
  text?: string;
  /** The streamed pieces, overriding the word-by-word split of `text`. */
  chunks?: string[];
  /** Pause between streamed pieces, in ms (default 0). */
  chunkDelayMs?: number;
}

export type FakeBehaviour =
  | ({ kind: 'answer'; stream?: boolean; omitDone?: boolean } & Pieces)
  | { kind: 'slow'; delayMs: number; then?: FakeBehaviour }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: string | ((req: FakeRequest) => string); retryAfter?: number | string; headers?: Record<string, string> }
  | { kind: 'malformed-json' }
  | ({ kind: 'malformed-chunk' | 'drop' | 'cut' | 'stall'; after?: number } & Pieces)
  | ({ kind: 'stream-error'; after?: number; message?: string } & Pieces);

export interface FakeRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string; name?: string }>;
  /** Responses API input: a string or messages. */
  input?: string | Array<{ role: string; content: string }>;
  stream?: boolean;
  [key: string]: unknown;
}

export interface FakeRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  /** Path only. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body ({} when it was not JSON; see rawBody). */
  body: FakeRequestBody;
  rawBody: string;
  /** True once the client went away before the response was complete. */
  clientGone: boolean;
  /** Resolves when the client goes away before the response was complete; never otherwise. */
  gone: Promise<void>;
}

export interface FakeOpenAI {
  /** Base URL, e.g. http://127.0.0.1:1234 */
  url: string;
  /** `${url}/v1/chat/completions` */
  chatUrl: string;
  /** `${url}/v1/responses` */
  responsesUrl: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Appends behaviours for the next requests, consumed in order. */
  script(next: FakeBehaviour[] | FakeBehaviour): void;
  /** Empties the script and the recorded requests (the same `requests` array is kept). */
  reset(): void;
  /** Closes every connection (hanging ones included) and the server. */
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401 (the script is not consumed). */
  apiKey?: string;
}

/** The default answer to a request: `Answer: <first five words of the last user message> [1]`. */
export function defaultAnswer(body: FakeRequestBody): string {
  const messages = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.messages ?? body.input ?? []);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const words = (typeof lastUser?.content === 'string' ? lastUser.content : '').split(/\s+/).filter(Boolean).slice(0, 5);
  return words.length > 0 ? `Answer: ${words.join(' ')} [1]` : 'Answer: [1]';
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: FakeBehaviour[] = [];
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let body: FakeRequestBody = {};
      let parsed = true;
      try {
        const json: unknown = JSON.parse(raw);
        if (typeof json === 'object' && json !== null && !Array.isArray(json)) body = json as FakeRequestBody;
        else parsed = false;
      } catch {
        parsed = false;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let markGone = () => {};
      const record: FakeRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path,
        headers: req.headers,
        body,
        rawBody: raw,
        clientGone: false,
        gone: new Promise<void>((resolve) => (markGone = resolve)),
      };
      requests.push(record);
      const exchange: Exchange = { res, req: record, serverDropped: false, wait };
      res.on('close', () => {
        if (!res.writableFinished && !exchange.serverDropped) {
          record.clientGone = true;
          markGone();
        }
      });
      if (!parsed) return sendError(res, 400, 'request body is not a JSON object');
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return sendError(res, 401, 'Incorrect API key provided.');
      }
      void behave(queue.shift() ?? { kind: 'answer' }, exchange).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    chatUrl: `${url}/v1/chat/completions`,
    responsesUrl: `${url}/v1/responses`,
    requests,
    script: (next) => void queue.push(...(Array.isArray(next) ? next : [next])),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Exchange {
  res: ServerResponse;
  req: FakeRequest;
  /** Set when the fake itself destroys the socket, so it is not taken for the client leaving. */
  serverDropped: boolean;
  wait: (ms: number) => Promise<void>;
}

async function behave(b: FakeBehaviour, x: Exchange): Promise<void> {
  const { res, req } = x;
  switch (b.kind) {
    case 'slow':
      await x.wait(b.delayMs);
      if (res.destroyed) return;
      return behave(b.then ?? { kind: 'answer' }, x);
    case 'hang':
      return;
    case 'status': {
      const body = typeof b.body === 'function' ? b.body(req) : b.body;
      const headers: Record<string, string> = { ...(b.retryAfter !== undefined ? { 'retry-after': String(b.retryAfter) } : {}), ...b.headers };
      if (body === undefined) return sendError(res, b.status, `fake upstream error (HTTP ${b.status})`, headers);
      res.writeHead(b.status, { 'content-type': 'application/json', ...headers });
      res.end(body);
      return;
    }
    case 'malformed-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-fake", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assist');
      return;
    case 'answer':
      if (!(b.stream ?? req.body.stream === true)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(isResponses(req) ? responsesWhole(req, answerText(b, req)) : chatWhole(req, answerText(b, req))));
        return;
      }
      return streamAnswer(b, x);
    default:
      return streamAnswer(b, x);
  }
}

/** Everything streamed: the answer, and the mid-stream failures after `after` pieces. */
async function streamAnswer(b: Extract<FakeBehaviour, { kind: StreamedKind }>, x: Exchange): Promise<void> {
  const { res, req } = x;
  const format = isResponses(req) ? responsesEvents(req) : chatEvents(req);
  const text = answerText(b, req);
  const pieces = b.chunks ?? splitWords(text);
  const limit = b.kind === 'answer' ? pieces.length : Math.min(b.after ?? 1, pieces.length);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(format.start());
  for (let i = 0; i < limit; i++) {
    if (b.chunkDelayMs) await x.wait(b.chunkDelayMs);
    if (res.destroyed) return;
    res.write(format.piece(pieces[i]!));
  }
  switch (b.kind) {
    case 'answer':
      res.end(format.end(pieces.join(''), b.omitDone === true));
      return;
    case 'malformed-chunk':
      res.write('data: {"choices": [{"index": 0, "delta": {"content": "oops\n\n');
      for (const piece of pieces.slice(limit)) res.write(format.piece(piece));
      res.end(format.end(pieces.join(''), false));
      return;
    case 'drop':
      // Flush what was written, then kill the socket: the client sees the connection die mid-body.
      x.serverDropped = true;
      res.write('', () => res.socket?.destroy());
      return;
    case 'cut':
      res.end();
      return;
    case 'stall':
      return;
    case 'stream-error':
      res.end(format.error(b.message ?? 'fake upstream failure mid-stream'));
      return;
  }
}

type StreamedKind = 'answer' | 'malformed-chunk' | 'drop' | 'cut' | 'stall' | 'stream-error';

interface EventFormat {
  start(): string;
  piece(text: string): string;
  end(text: string, omitDone: boolean): string;
  error(message: string): string;
}

const created = () => Math.floor(Date.now() / 1000);
const data = (json: unknown) => `data: ${JSON.stringify(json)}\n\n`;
const event = (json: { type: string } & Record<string, unknown>) => `event: ${json.type}\n${data(json)}`;

function chatEvents(req: FakeRequest): EventFormat {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: created(), model: req.body.model ?? 'fake-model' };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => data({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  return {
    start: () => chunk({ role: 'assistant', content: '' }, null),
    piece: (text) => chunk({ content: text }, null),
    end: (_text, omitDone) => chunk({}, 'stop') + (omitDone ? '' : 'data: [DONE]\n\n'),
    error: (message) => data({ error: { message, type: 'server_error' } }),
  };
}

function responsesEvents(req: FakeRequest): EventFormat {
  const model = req.body.model ?? 'fake-model';
  let seq = 0;
  const response = (status: string, output: unknown[], error: unknown = null) => ({ id: 'resp_fake', object: 'response', created_at: created(), status, model, output, error });
  return {
    start: () => event({ type: 'response.created', sequence_number: seq++, response: response('in_progress', []) }),
    piece: (text) =>
      event({ type: 'response.output_text.delta', sequence_number: seq++, item_id: 'msg_fake', output_index: 0, content_index: 0, delta: text }),
    end: (text) =>
      event({ type: 'response.output_text.done', sequence_number: seq++, item_id: 'msg_fake', output_index: 0, content_index: 0, text }) +
      event({ type: 'response.completed', sequence_number: seq++, response: response('completed', [messageItem(text)]) }),
    error: (message) => event({ type: 'response.failed', sequence_number: seq++, response: response('failed', [], { code: 'server_error', message }) }),
  };
}

function chatWhole(req: FakeRequest, text: string): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: created(),
    model: req.body.model ?? 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: splitWords(text).length, total_tokens: 10 + splitWords(text).length },
  };
}

function responsesWhole(req: FakeRequest, text: string): unknown {
  return { id: 'resp_fake', object: 'response', created_at: created(), status: 'completed', model: req.body.model ?? 'fake-model', output: [messageItem(text)] };
}

const messageItem = (text: string) => ({
  type: 'message',
  id: 'msg_fake',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
});

const isResponses = (req: FakeRequest) => req.path.endsWith('/responses');
const answerText = (b: Pieces, req: FakeRequest) => b.text ?? b.chunks?.join('') ?? defaultAnswer(req.body);
/** Word by word, each word keeping the whitespace before the next, so the pieces join to the text. */
const splitWords = (text: string): string[] => text.split(/(?<=\s)(?=\S)/).filter(Boolean);

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'fake_error', code: status } }));
}
