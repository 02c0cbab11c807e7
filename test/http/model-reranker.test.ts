import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { removeModelDirs, writeModelDir } from '../providers/rerankers/tiny-cross-encoder.js';
import { createCorpus, expectError, expectOk, type Client } from './support.js';

/**
 * A local ONNX cross-encoder configured by the operator becomes a re-ranker: listed, named in a
 * customer_reranker, scoring (query, result) pairs. The tiny test model scores a pair by how
 * many vocabulary words the two share (its vocabulary: cat, dog, money, bank, the, -s).
 */
describe('a configured ONNX cross-encoder re-ranker', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    const model = writeModelDir();
    server = await startTestApp({
      onnx_rerankers: [
        { name: 'tiny-cross', path: model },
        { name: 'broken-cross', path: join(model, 'missing') },
      ],
    });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    const parts = ['the dog', 'money in the bank', 'the cat and the dog and money', 'bank'];
    for (const [i, text] of parts.entries()) {
      expectOk(await owner.post('/v2/corpora/kb/documents', { type: 'core', id: `d${i}`, document_parts: [{ text }] }), 'createCorpusDocument', 201);
    }
  });

  afterAll(async () => {
    await server?.close();
    removeModelDirs();
  });

  it('is listed after the built-in ones', async () => {
    const res = await owner.get('/v2/rerankers?limit=100');
    expectOk(res, 'listRerankers', 200);
    expect((res.body.rerankers as any[]).map((r) => r.name)).toEqual(expect.arrayContaining(['tiny-cross', 'broken-cross']));
  });

  it('reorders results by the model score, in (0, 1)', async () => {
    const res = await owner.post('/v2/corpora/kb/query', {
      query: 'cat dog money',
      search: { lexical_interpolation: 0, limit: 10, reranker: { type: 'customer_reranker', reranker_name: 'tiny-cross' } },
    });
    expectOk(res, 'queryCorpus', 200);
    const results = res.body.search_results as any[];
    expect(results[0].document_id).toBe('d2');
    expect(results.every((r) => r.score > 0 && r.score < 1)).toBe(true);
    expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('a model directory that cannot load is a clear 503, not a 500', async () => {
    const res = await owner.post('/v2/corpora/kb/query', {
      query: 'dog', search: { reranker: { reranker_name: 'broken-cross' } },
    });
    expectError(res, 503);
    expect(res.body.messages[0]).toContain('broken-cross');
  });
});
