/**
 * The OpenAI-compatible encoder against a fake embeddings server on 127.0.0.1 (port 0) that each
 * test scripts: success, batching, auth headers, and the failure modes the encoder must classify.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAICompatibleEncoder, type OpenAICompatibleSpec, type RemoteOptions } from '../../../src/providers/encoders/openai-compatible.js';
import { EncoderError } from '../../../src/providers/encoders/types.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: { model?: string; input?: string[]; dimensions?: number };
}
type Handler = (req: Seen, res: ServerResponse, call: number) => void;

let server: Server;
let base = '';
let handler: Handler;
let seen: Seen[] = [];

/** A deterministic 4-d embedding per text, unnormalised so the client's normalisation shows. */
const fakeVector = (text: string, dims = 4): number[] => Array.from({ length: dims }, (_, i) => text.length + i + 1);
const ok = (res: ServerResponse, input: string[], opts: { dims?: number; reverse?: boolean } = {}) => {
  const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t, opts.dims) }));
  if (opts.reverse) data.reverse();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data, model: 'fake' }));
};
const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const entry: Seen = { headers: req.headers, body: JSON.parse(raw) as Seen['body'] };
      seen.push(entry);
      handler(entry, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
  handler = (req, res) => ok(res, req.body.input ?? []);
});

const make = (spec: Partial<OpenAICompatibleSpec> = {}, options: RemoteOptions = {}) =>
  new OpenAICompatibleEncoder(
    { name: 'remote', uri: `${base}/v1/embeddings?api-version=1`, model: 'fake-embed', ...spec },
    { retryBaseMs: 10, timeoutMs: 2_000, ...options },
  );
const failure = async (p: Promise<unknown>): Promise<EncoderError> => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EncoderError);
  return err as EncoderError;
};

describe('OpenAICompatibleEncoder', () => {
  it('posts model and input, orders by index and normalises', async () => {
    handler = (req, res) => ok(res, req.body.input ?? [], { reverse: true });
    const enc = make();
    expect(enc.dimensions).toBe(0);
    const [a, b] = await enc.embed(['hi', 'hello'], 'query');
    expect(seen[0]?.body).toEqual({ model: 'fake-embed', input: ['hi', 'hello'] });
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    const n = Math.hypot(3, 4, 5, 6);
    expect(Array.from(a ?? [])).toEqual(Array.from(Float32Array.from([3 / n, 4 / n, 5 / n, 6 / n])));
    expect(b?.[0]).toBeCloseTo(6 / Math.hypot(6, 7, 8, 9), 6);
    expect(enc.dimensions).toBe(4);
  });

  it('sends output_dimensions as dimensions and splits into batches', async () => {
    handler = (req, res) => ok(res, req.body.input ?? [], { dims: 3 });
    const texts = Array.from({ length: 7 }, (_, i) => `text ${i}`);
    const out = await make({ output_dimensions: 3 }, { maxBatch: 3 }).embed(texts, 'document');
    expect(seen.map((s) => s.body.input?.length)).toEqual([3, 3, 1]);
    expect(seen.every((s) => s.body.dimensions === 3)).toBe(true);
    expect(out).toHaveLength(7);
  });

  it('sends a bearer token or a custom header', async () => {
    await make({ auth: { type: 'bearer', token: 'sk-test-123' } }).embed(['x'], 'query');
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-test-123');
    await make({ auth: { type: 'header', header: 'x-api-key', value: 'k-456' } }).embed(['x'], 'query');
    expect(seen[1]?.headers['x-api-key']).toBe('k-456');
    expect(seen[1]?.headers.authorization).toBeUndefined();
  });

  it('fails a 401 at once, with status and excerpt but never the token or query string', async () => {
    handler = (req, res) => send(res, 401, JSON.stringify({ error: { message: `bad key ${req.headers.authorization}` } }));
    const err = await failure(make({ auth: { type: 'bearer', token: 'sk-secret-999' } }).embed(['x'], 'query'));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('bad key');
    expect(err.message).toContain('/v1/embeddings');
    expect(err.message).not.toContain('sk-secret-999');
    expect(err.message).not.toContain('api-version');
    expect(seen).toHaveLength(1);
  });

  it('retries a 429 and then succeeds', async () => {
    handler = (req, res, call) =>
      call === 1 ? send(res, 429, '{"error":"slow down"}', { 'retry-after': '0' }) : ok(res, req.body.input ?? []);
    const out = await make().embed(['a', 'b'], 'query');
    expect(out).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it('marks a persistent 500 retryable after a bounded number of attempts', async () => {
    handler = (_req, res) => send(res, 500, 'internal explosion');
    const err = await failure(make({}, { maxRetries: 2 }).embed(['x'], 'query'));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/HTTP 500: internal explosion \(after 3 attempts\)/);
    expect(seen).toHaveLength(3);
  });

  it('times out a slow server and marks it retryable', async () => {
    handler = (req, res) => setTimeout(() => ok(res, req.body.input ?? []), 1_000).unref();
    const err = await failure(make({}, { timeoutMs: 100, maxRetries: 1 }).embed(['x'], 'query'));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('timed out after 100 ms');
    expect(seen).toHaveLength(2);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(make({ uri: `http://127.0.0.1:${port}/v1/embeddings` }, { maxRetries: 0 }).embed(['x'], 'query'));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('rejects malformed JSON and responses of the wrong shape', async () => {
    handler = (_req, res) => send(res, 200, '{"data": [oops');
    expect((await failure(make().embed(['x'], 'query'))).message).toContain('not JSON');
    handler = (_req, res) => send(res, 200, '{"result": []}');
    expect((await failure(make().embed(['x'], 'query'))).message).toContain('no "data" array');
    handler = (_req, res) => ok(res, ['only one']);
    expect((await failure(make().embed(['x', 'y'], 'query'))).message).toContain('expected 2 embeddings, got 1');
    handler = (_req, res) => send(res, 200, JSON.stringify({ data: [{ index: 0, embedding: [1, 'two', 3] }] }));
    expect((await failure(make().embed(['x'], 'query'))).message).toContain('not an array of finite numbers');
    handler = (_req, res) => send(res, 200, JSON.stringify({ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [1] }] }));
    expect((await failure(make().embed(['x', 'y'], 'query'))).message).toContain('duplicate embedding index');
  });

  it('rejects vectors of the wrong length, configured or learned', async () => {
    handler = (req, res) => ok(res, req.body.input ?? [], { dims: 5 });
    const err = await failure(make({ output_dimensions: 4 }).embed(['x'], 'query'));
    expect(err.message).toContain('has 5 dimensions, expected 4');
    expect(err.retryable).toBe(false);

    const learned = make();
    await learned.embed(['x'], 'query');
    handler = (req, res) => ok(res, req.body.input ?? [], { dims: 6 });
    expect((await failure(learned.embed(['x'], 'query'))).message).toContain('has 6 dimensions, expected 5');
  });

  it('rejects an invalid uri up front', () => {
    expect(() => make({ uri: 'not a url' })).toThrow(EncoderError);
    expect(() => make({ uri: 'ftp://example.invalid/x' })).toThrow(/http/);
  });
});
