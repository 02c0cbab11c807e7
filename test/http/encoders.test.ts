import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, walkPages, type Client, type Res } from './support.js';

const DIM = 12;
const BEARER = 'sk-fake-bearer-token-3f9a1c';
const HEADER_VALUE = 'hv-fake-header-secret-77d2e0';
const WRONG_TOKEN = 'sk-wrong-token-0b5e44';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model?: string; input?: string[] };
}

/** A small deterministic, non-zero vector for a text. */
function vectorOf(text: string): number[] {
  const v = new Array<number>(DIM).fill(1);
  for (let i = 0; i < text.length; i++) v[i % DIM]! += (text.charCodeAt(i) % 17) / 10;
  return v;
}

/**
 * A fake OpenAI embeddings server. Paths choose its behaviour:
 * /bearer/… needs `Authorization: Bearer BEARER`, /header/… needs `x-embed-key: HEADER_VALUE`,
 * /open/… needs nothing, /broken/… answers 500, /switch/… answers 500 while `failing` is set.
 * An auth failure echoes the credential it got, so tests can see that Quarry never repeats it.
 */
async function startFakeEmbeddings() {
  const seen: Seen[] = [];
  const state = { failing: false };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = raw ? JSON.parse(raw) : {};
      seen.push({ path, headers: req.headers, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST') return reply(405, { error: 'POST only' });
      if (path.startsWith('/broken/') || (path.startsWith('/switch/') && state.failing)) return reply(500, { error: 'the model crashed' });
      if (path.startsWith('/bearer/') && req.headers.authorization !== `Bearer ${BEARER}`) {
        return reply(401, { error: `invalid credential ${req.headers.authorization ?? ''}` });
      }
      if (path.startsWith('/header/') && req.headers['x-embed-key'] !== HEADER_VALUE) {
        return reply(401, { error: `invalid credential ${String(req.headers['x-embed-key'] ?? '')}` });
      }
      const input: string[] = Array.isArray(body.input) ? body.input : [body.input];
      // Answered in reverse order: the index, not the position, says which text a vector is for.
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })).reverse();
      reply(200, { object: 'list', data, model: body.model });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A URL nothing listens on: a port that was just free. */
async function unusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1/embeddings`;
}

describe('encoders over HTTP', () => {
  let server: TestServer;
  let owner: Client;
  let fake: Awaited<ReturnType<typeof startFakeEmbeddings>>;
  /** Every response body and header block this file received, to look for leaked secrets. */
  const responses: string[] = [];

  /** The test client, recording what it receives. */
  function recording(c: Client): Client {
    const keep = async (p: Promise<Res>) => {
      const res = await p;
      responses.push(res.text, JSON.stringify(res.headers));
      return res;
    };
    return {
      get: (...a) => keep(c.get(...a)),
      post: (...a) => keep(c.post(...a)),
      put: (...a) => keep(c.put(...a)),
      patch: (...a) => keep(c.patch(...a)),
      delete: (...a) => keep(c.delete(...a)),
      call: (...a) => keep(c.call(...a)),
    };
  }

  beforeAll(async () => {
    fake = await startFakeEmbeddings();
    server = await startTestApp();
    owner = recording(client(server.app, server.ownerKey));
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const register = (body: Record<string, unknown>) =>
    owner.post('/v2/encoders', { type: 'openai-compatible', description: 'a fake for tests', model: 'fake-embed-1', ...body });

  function vectorLengths(corpus: string): { dims: number | null; lengths: number[] } {
    const db = new Database(join(server.dataDir, 'quarry.db'), { readonly: true, fileMustExist: true });
    try {
      const dims = db.prepare('SELECT vector_dimensions FROM corpora WHERE key = ?').pluck().get(corpus) as number | null;
      const lengths = db
        .prepare('SELECT length(p.vector) FROM parts p JOIN corpora c ON c.id = p.corpus_id WHERE c.key = ?')
        .pluck()
        .all(corpus) as number[];
      return { dims, lengths };
    } finally {
      db.close();
    }
  }

  describe('built-in encoders', () => {
    it('lists the built-in encoder and Vectara\'s boomerang-2023-q3', async () => {
      const res = await owner.get('/v2/encoders');
      expectOk(res, 'listEncoders', 200);
      const byName = new Map(res.body.encoders.map((e: { name: string }) => [e.name, e]));
      expect(byName.get('quarry-static-glove-100d')).toMatchObject({ output_dimensions: 100, default: true, enabled: true });
      expect(byName.get('boomerang-2023-q3')).toMatchObject({ output_dimensions: 100, default: false, enabled: true });
      expect(res.body.encoders.filter((e: { default: boolean }) => e.default)).toHaveLength(1);
      for (const e of res.body.encoders) expect(e.id).toMatch(/^enc_\d+$/);
    });

    it('a corpus created with boomerang-2023-q3 indexes documents', async () => {
      await createCorpus(owner, 'boomerang', { encoder_name: 'boomerang-2023-q3' });
      const res = await owner.post('/v2/corpora/boomerang/documents', {
        type: 'core',
        id: 'b1',
        document_parts: [{ text: 'Vectara clients keep their encoder name.' }, { text: 'Quarry serves it with its own model.' }],
      });
      expectOk(res, 'createCorpusDocument', 201);
      expectOk(await owner.get('/v2/corpora/boomerang/documents/b1'), 'getCorpusDocument', 200);
      expect(vectorLengths('boomerang')).toEqual({ dims: 100, lengths: [400, 400] });
    });
  });

  describe('OpenAI-compatible encoders', () => {
    it('registers an encoder with bearer auth after a trial call: 201, its dimension learned', async () => {
      const before = fake.seen.length;
      const res = await register({ name: 'fake-bearer', uri: `${fake.url}/bearer/v1/embeddings`, auth: { type: 'bearer', token: BEARER } });
      expectOk(res, 'createEncoder', 201);
      expect(res.body).toMatchObject({ name: 'fake-bearer', type: 'openai-compatible', output_dimensions: DIM, enabled: true, default: false });
      expect(res.body.id).toMatch(/^enc_\d+$/);
      const trial = fake.seen.slice(before);
      expect(trial).toHaveLength(1);
      expect(trial[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
      expect(trial[0]!.body.model).toBe('fake-embed-1');
    });

    it('registers an encoder with header auth', async () => {
      const res = await register({ name: 'fake-header', uri: `${fake.url}/header/v1/embeddings`, auth: { type: 'header', header: 'x-embed-key', value: HEADER_VALUE } });
      expectOk(res, 'createEncoder', 201);
      expect(fake.seen.at(-1)!.headers['x-embed-key']).toBe(HEADER_VALUE);
      expect(fake.seen.at(-1)!.headers.authorization).toBeUndefined();
    });

    it('a wrong credential is a 400 at registration, and the credential is not repeated', async () => {
      const res = await register({ name: 'fake-wrong', uri: `${fake.url}/bearer/v1/embeddings`, auth: { type: 'bearer', token: WRONG_TOKEN } });
      expectFieldError(res, 'uri');
      expect(res.text).toContain('401');
      expect(res.text).not.toContain(WRONG_TOKEN);
      const noAuth = await register({ name: 'fake-none', uri: `${fake.url}/header/v1/embeddings` });
      expectFieldError(noAuth, 'uri');
    });

    it('an unreachable uri or a server answering 500 is a 400 at registration', async () => {
      expectFieldError(await register({ name: 'fake-gone', uri: await unusedUrl() }), 'uri');
      expectFieldError(await register({ name: 'fake-broken', uri: `${fake.url}/broken/v1/embeddings` }), 'uri');
      expectFieldError(await register({ name: 'fake-ftp', uri: 'ftp://127.0.0.1/embeddings' }), 'uri');
      expectFieldError(await register({ name: 'fake-relative', uri: '/v1/embeddings' }), 'uri');
      const names = (await owner.get('/v2/encoders?limit=100')).body.encoders.map((e: { name: string }) => e.name);
      for (const n of ['fake-gone', 'fake-broken', 'fake-ftp', 'fake-relative', 'fake-wrong', 'fake-none']) expect(names).not.toContain(n);
    });

    it('a duplicate name is a 409; a built-in name and bad fields are 400s', async () => {
      expectError(await register({ name: 'fake-bearer', uri: `${fake.url}/open/v1/embeddings` }), 409);
      expectFieldError(await register({ name: 'boomerang-2023-q3', uri: `${fake.url}/open/v1/embeddings` }), 'name');
      expectFieldError(await register({ name: 'fake-no-model', uri: `${fake.url}/open/v1/embeddings`, model: '' }), 'model');
      expectFieldError(await register({ name: 'fake-dims', uri: `${fake.url}/open/v1/embeddings`, output_dimensions: DIM + 1 }), 'output_dimensions');
      expectFieldError(await owner.post('/v2/encoders', { type: 'cohere', name: 'x', uri: `${fake.url}/open/v1/embeddings`, model: 'm' }), 'type');
    });

    it('only keys that may manage the platform register encoders; serving keys may list them', async () => {
      await createCorpus(owner, 'enc-keys');
      const reader = recording(client(server.app, (await createKey(owner, 'serving', ['enc-keys'])).secret_key));
      expectOk(await reader.get('/v2/encoders'), 'listEncoders', 200);
      expectError(await reader.post('/v2/encoders', { type: 'openai-compatible', name: 'by-reader', uri: `${fake.url}/open/v1/embeddings`, model: 'm' }), 403);
    });

    it('a corpus using a registered encoder indexes through it, with its dimension', async () => {
      await createCorpus(owner, 'remote', { encoder_name: 'fake-bearer' });
      const before = fake.seen.length;
      const texts = ['Remote encoders embed this part.', 'And this one, in the same request.'];
      const res = await owner.post('/v2/corpora/remote/documents', { type: 'core', id: 'r1', document_parts: texts.map((text) => ({ text })) });
      expectOk(res, 'createCorpusDocument', 201);
      const calls = fake.seen.slice(before);
      expect(calls.flatMap((s) => s.body.input ?? [])).toEqual(texts);
      expect(calls.every((s) => s.headers.authorization === `Bearer ${BEARER}` && s.path.startsWith('/bearer/'))).toBe(true);
      expect(vectorLengths('remote')).toEqual({ dims: DIM, lengths: [DIM * 4, DIM * 4] });

      await createCorpus(owner, 'remote-header', { encoder_name: 'fake-header' });
      const structured = { type: 'structured', id: 'h1', title: 'Header auth', sections: [{ text: 'One sentence. Another sentence.' }] };
      expectOk(await owner.post('/v2/corpora/remote-header/documents', structured), 'createCorpusDocument', 201);
      expect(fake.seen.at(-1)!.body.input).toEqual(['Header auth', 'One sentence.', 'Another sentence.']);
      expect(fake.seen.at(-1)!.headers['x-embed-key']).toBe(HEADER_VALUE);
      expect(vectorLengths('remote-header').lengths).toEqual([DIM * 4, DIM * 4, DIM * 4]);
    });

    it('when the encoder fails during indexing the document is refused and nothing is stored', async () => {
      expectOk(await register({ name: 'fake-switch', uri: `${fake.url}/switch/v1/embeddings` }), 'createEncoder', 201);
      await createCorpus(owner, 'flaky', { encoder_name: 'fake-switch' });
      fake.state.failing = true;
      try {
        const res = await owner.post('/v2/corpora/flaky/documents', { type: 'core', id: 'f1', document_parts: [{ text: 'Will not embed.' }] });
        expectError(res, 503);
      } finally {
        fake.state.failing = false;
      }
      expectError(await owner.get('/v2/corpora/flaky/documents/f1'), 404, 'NotFoundError');
      expectOk(await owner.post('/v2/corpora/flaky/documents', { type: 'core', id: 'f1', document_parts: [{ text: 'Embeds now.' }] }), 'createCorpusDocument', 201);
    });
  });

  describe('listing', () => {
    it('pages through built-in and registered encoders; the last page has no page_key', async () => {
      const { items, pages } = await walkPages(owner, '/v2/encoders', 'encoders', 'listEncoders', 2);
      const names = items.map((e) => e.name);
      expect(names).toEqual(['quarry-static-glove-100d', 'boomerang-2023-q3', 'fake-bearer', 'fake-header', 'fake-switch']);
      expect(pages).toBe(3);
      expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
      const one = await walkPages(owner, '/v2/encoders', 'encoders', 'listEncoders', 1);
      expect(one.items.map((e) => e.name)).toEqual(names);
      for (const e of items.slice(2)) expect(e).toMatchObject({ type: 'openai-compatible', output_dimensions: DIM });
    });

    it('filter is a regular expression over names', async () => {
      const names = async (filter: string) => {
        const res = await owner.get(`/v2/encoders?filter=${encodeURIComponent(filter)}`);
        expectOk(res, 'listEncoders', 200);
        return res.body.encoders.map((e: { name: string }) => e.name);
      };
      expect(await names('^boomerang')).toEqual(['boomerang-2023-q3']);
      expect(await names('^fake-(bearer|header)$')).toEqual(['fake-bearer', 'fake-header']);
      expect(await names('glove|switch')).toEqual(['quarry-static-glove-100d', 'fake-switch']);
      expect(await names('^nothing-matches$')).toEqual([]);
      const { items } = await walkPages(owner, `/v2/encoders?filter=${encodeURIComponent('^fake-')}`, 'encoders', 'listEncoders', 1);
      expect(items.map((e) => e.name)).toEqual(['fake-bearer', 'fake-header', 'fake-switch']);
      expectFieldError(await owner.get(`/v2/encoders?filter=${encodeURIComponent('(unclosed')}`), 'filter');
    });
  });

  it('no response ever carried an encoder credential', () => {
    expect(responses.length).toBeGreaterThan(20);
    for (const text of responses) {
      for (const secret of [BEARER, HEADER_VALUE, WRONG_TOKEN]) expect(text.includes(secret), text.slice(0, 200)).toBe(false);
    }
  });
});
