import { expect } from 'vitest';
import type { QuarryApp } from '../../src/app.js';
import type { Principal } from '../../src/auth/principal.js';
import { client, type TestServer } from '../helpers/app.js';
import { schemaProblems, specProblems } from '../helpers/spec.js';

/** Shared steps of the HTTP tests: small, so each test file still reads on its own. */

export type Client = ReturnType<typeof client>;
export type Res = Awaited<ReturnType<Client['get']>>;

/** Asserts the status (showing the body on failure) and that the body matches the spec's response. */
export function expectOk(res: Res, operationId: string, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(specProblems(operationId, status, res.body)).toEqual([]);
}

/** Asserts an error status and that its body is the spec's error body of that kind. */
export function expectError(res: Res, status: number, schema: 'Error' | 'BadRequestError' | 'NotFoundError' = 'Error'): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(schemaProblems(schema, res.body)).toEqual([]);
  expect(Array.isArray(res.body?.messages) && res.body.messages.length > 0, 'messages').toBe(true);
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
}

/** A 400 whose field_errors name `field`. */
export function expectFieldError(res: Res, field: string): void {
  expectError(res, 400, 'BadRequestError');
  expect(Object.keys(res.body.field_errors ?? {}), JSON.stringify(res.body)).toContain(field);
}

export async function createCorpus(c: Client, key: string, extra: Record<string, unknown> = {}) {
  const res = await c.post('/v2/corpora', { key, ...extra });
  expectOk(res, 'createCorpus', 201);
  return res.body;
}

/** Creates an API key through the API and returns its view (with `secret_key`). */
export async function createKey(
  c: Client,
  api_key_role: 'personal' | 'serving' | 'serving_and_indexing',
  corpus_keys?: string[],
  name = `${api_key_role} key`,
) {
  const res = await c.post('/v2/api_keys', { name, api_key_role, ...(corpus_keys ? { corpus_keys } : {}) });
  expectOk(res, 'createApiKey', 201);
  return res.body as { id: string; secret_key: string; corpus_keys: string[]; enabled: boolean };
}

/**
 * A personal key for another user. The API only creates personal keys for the caller, so this
 * goes through the service with that user as the principal, the way first start does it.
 */
export async function personalKeyFor(app: QuarryApp, username: string): Promise<{ id: string; secret: string }> {
  const user = await app.services.users.require(username);
  const principal: Principal = { kind: 'api_key', keyId: 'test-setup', keyRole: 'personal', user, corpusIds: [] };
  const key = await app.services.apiKeys.create(principal, { name: `${username} personal key`, api_key_role: 'personal' });
  return { id: key.id, secret: key.secret_key! };
}

/** Walks a list with `limit` per page; asserts page sizes and that only the last page lacks a page key. */
export async function walkPages(
  c: Client,
  path: string,
  field: string,
  operationId: string,
  limit: number,
): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let pageKey: string | undefined;
  let pages = 0;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const url = `${path}${sep}limit=${limit}${pageKey ? `&page_key=${encodeURIComponent(pageKey)}` : ''}`;
    const res = await c.get(url);
    expectOk(res, operationId, 200);
    const page = res.body[field] as any[];
    expect(page.length).toBeLessThanOrEqual(limit);
    pageKey = res.body.metadata?.page_key;
    if (pageKey !== undefined) expect(page.length).toBe(limit);
    items.push(...page);
    pages++;
    expect(pages, 'too many pages: paging does not end').toBeLessThan(1000);
  } while (pageKey !== undefined);
  return { items, pages };
}

/** A file part for form(). */
export interface FormFile { name: string; content: Buffer | string; type?: string }

/** A multipart/form-data body (as fetch would send it) with `fields` and, unless null, the file in the field `file`. */
export async function form(file: FormFile | null, fields: Record<string, string> = {}): Promise<{ payload: Buffer; contentType: string }> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('file', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const res = new Response(fd);
  return { payload: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! };
}

/** One server-sent event as a client reads it: the `event:` name and the parsed `data:` JSON. */
export interface SseEvent {
  event: string | undefined;
  data: any;
}

/** Parses a whole `text/event-stream` body into its events, in order. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}

/** Asserts a streamed response: SSE content type, each event named as its `type` and valid against `schema`. */
export function expectStream(res: Res, schema: string): SseEvent[] {
  expect(res.status, res.text).toBe(200);
  expect(String(res.headers['content-type'])).toMatch(/^text\/event-stream/);
  const events = parseSse(res.text);
  for (const e of events) {
    expect(e.event).toBe(e.data.type);
    expect(schemaProblems(schema, e.data), JSON.stringify(e.data)).toEqual([]);
  }
  return events;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw request: exact payload bytes and headers, for the malformed cases the JSON client cannot send. */
export async function raw(
  server: Pick<TestServer, 'app'>,
  method: Method,
  url: string,
  opts: { payload?: string | Buffer; contentType?: string; key?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const res = await server.app.inject({
    method,
    url,
    headers: {
      ...(opts.key ? { 'x-api-key': opts.key } : {}),
      ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      ...opts.headers,
    },
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  });
  let body: any;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}
