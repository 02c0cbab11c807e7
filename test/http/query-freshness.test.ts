import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, expectOk, type Client } from './support.js';

/**
 * Queries are served from in-memory indexes and a cache of recently shown parts; every change to
 * the corpus must show in the very next query: new documents, metadata edits, removals.
 */
describe('query results follow every change at once', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'fresh');
  });

  afterAll(async () => {
    await server?.close();
  });

  const search = async (q: string, lambda: number) => {
    const res = await owner.post('/v2/corpora/fresh/query', { query: q, search: { limit: 5, lexical_interpolation: lambda } });
    expectOk(res, 'queryCorpus', 200);
    return res.body.search_results as Array<{ document_id: string; document_metadata: Record<string, unknown>; text: string }>;
  };

  it('shows new documents, edited metadata and removals in the next query, lexical and vector alike', async () => {
    const add = (id: string, text: string, colour: string) =>
      owner.post('/v2/corpora/fresh/documents', { type: 'core', id, metadata: { colour }, document_parts: [{ text }] });
    expectOk(await add('kiwi', 'The kiwi is a flightless bird of New Zealand.', 'green'), 'createCorpusDocument', 201);
    for (const lambda of [1, 0, 0.5]) expect((await search('flightless kiwi bird', lambda))[0]?.document_metadata).toEqual({ colour: 'green' });

    expectOk(await owner.patch('/v2/corpora/fresh/documents/kiwi', { metadata: { colour: 'brown' } }), 'updateCorpusDocument', 200);
    for (const lambda of [1, 0, 0.5]) expect((await search('flightless kiwi bird', lambda))[0]?.document_metadata).toEqual({ colour: 'brown' });

    expectOk(await add('emu', 'The emu is a flightless bird of Australia.', 'grey'), 'createCorpusDocument', 201);
    expect((await search('emu Australia', 1)).map((r) => r.document_id)).toContain('emu');

    expect((await owner.delete('/v2/corpora/fresh/documents/kiwi')).status).toBe(204);
    for (const lambda of [1, 0, 0.5]) expect((await search('flightless kiwi bird', lambda)).map((r) => r.document_id)).not.toContain('kiwi');
  });
});
