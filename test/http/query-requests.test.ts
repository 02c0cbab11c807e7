import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type TestServer } from '../helpers/app.js';
import { startQueryServer } from './query-fixture.js';
import { createKey, expectError, expectFieldError, expectOk, type Client } from './support.js';

/**
 * Query requests beyond ranking (query.test.ts): query history, streamed answers, odd but valid
 * queries, random requests (never a 500) and bad ones (a 4xx naming the field).
 */
describe('query requests over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    ({ server, owner } = await startQueryServer());
  });

  afterAll(async () => {
    await server?.close();
  });

  const query = (body: Record<string, unknown>, corpus = 'kb') => owner.post(`/v2/corpora/${corpus}/query`, body);

  describe('query history', () => {
    it('is saved when asked, listed, filtered and read back with its spans', async () => {
      const res = await query({ query: 'green tea', save_history: true, search: { reranker: { type: 'customer_reranker' } } });
      expectOk(res, 'queryCorpus', 200);
      const list = await owner.get('/v2/queries?corpus_key=kb');
      expectOk(list, 'getQueryHistories', 200);
      const saved = (list.body.queries as any[]).find((q) => q.query === 'green tea');
      expect(saved).toBeDefined();
      expect(saved.corpus_key).toBe('kb');
      const one = await owner.get(`/v2/queries/${saved.id}`);
      expectOk(one, 'getQueryHistory', 200);
      expect(one.body.query.query).toBe('green tea');
      expect(one.body.query.search.corpora[0].corpus_key).toBe('kb');
      expect(one.body.spans.map((s: any) => s.type)).toEqual(['search', 'rerank']);
      expect(one.body.spans[0].search_results[0].document_id).toBe('tea');
      expect(one.body.spans[1].reranked_search_results[0]).toEqual(
        expect.objectContaining({ text: expect.any(String), score: expect.any(Number), original_score: expect.any(Number) }),
      );
      expect((await owner.get('/v2/queries?corpus_key=other')).body.queries).toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await owner.get(`/v2/queries?started_after=${future}`)).body.queries).toEqual([]);
      expect((await owner.get(`/v2/queries?history_id=${saved.id}`)).body.queries).toHaveLength(1);
    });

    it('is not saved unless the request or the corpus asks', async () => {
      const before = (await owner.get('/v2/queries?limit=100')).body.queries.length;
      await query({ query: 'unsaved words' });
      expect((await owner.get('/v2/queries?limit=100')).body.queries.length).toBe(before);
      await owner.patch('/v2/corpora/other', { save_history: true });
      await query({ query: 'saved by corpus' }, 'other');
      const after = (await owner.get('/v2/queries?limit=100')).body.queries as any[];
      expect(after.some((q) => q.query === 'saved by corpus')).toBe(true);
    });

    it('a key bound to other corpora sees none of it', async () => {
      const saved = (await owner.get('/v2/queries?corpus_key=kb')).body.queries[0];
      const key = await createKey(owner, 'serving', ['other']);
      const bound = client(server.app, key.secret_key);
      const list = await bound.get('/v2/queries?limit=100');
      expectOk(list, 'getQueryHistories', 200);
      expect((list.body.queries as any[]).some((q) => q.id === saved.id)).toBe(false);
      expectError(await bound.get(`/v2/queries/${saved.id}`), 404, 'NotFoundError');
    });
  });

  describe('streaming', () => {
    it('answers text/event-stream with search_results then end', async () => {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v2/corpora/kb/query',
        headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' },
        payload: JSON.stringify({ query: 'tea', stream_response: true }),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      const events = res.body.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\n').find((l) => l.startsWith('data: '))!.slice(6)));
      expect(events.map((e) => e.type)).toEqual(['search_results', 'end']);
      expect(events[0].search_results[0].document_id).toBe('tea');
    });
  });

  describe('odd but valid queries', () => {
    it('never fail: empty text, only operators, only stop words, other scripts, a long query', async () => {
      for (const q of ['', '   ', '***', '"', '-', '- -x', 'the of and', 'ünïcödé 日本語 текст', '"unclosed phrase', 'a OR b AND NOT c', 'x'.repeat(5000), 'word '.repeat(999)]) {
        for (const lexical_interpolation of [0, 0.5, 1]) {
          const res = await query({ query: q, search: { lexical_interpolation } });
          expectOk(res, 'queryCorpus', 200);
        }
      }
    });
  });

  describe('random requests', () => {
    it('never get a 500: random search settings, rerankers, filters and context', async () => {
      const reranker = fc.letrec((tie) => ({
        node: fc.record({
          type: fc.constantFrom('customer_reranker', 'userfn', 'mmr', 'chain', 'none', 'other', undefined),
          reranker_name: fc.option(fc.constantFrom('Rerank_Multilingual_v1', 'nope', ''), { nil: undefined }),
          reranker_id: fc.option(fc.constantFrom('rnk_272725718', 'rnk_272725722', 'rnk_1', 'rnk_x'), { nil: undefined }),
          user_function: fc.option(fc.oneof(fc.string(), fc.constantFrom("get('$.score') * 2", 'if (', "get('$.x') / 0")), { nil: undefined }),
          diversity_bias: fc.option(fc.double({ min: -2, max: 2, noNaN: true }), { nil: undefined }),
          limit: fc.option(fc.integer({ min: -5, max: 20 }), { nil: undefined }),
          cutoff: fc.option(fc.double({ min: -10, max: 10, noNaN: true }), { nil: undefined }),
          rerankers: fc.option(fc.array(tie('node'), { maxLength: 3 }), { nil: undefined }),
        }, { requiredKeys: [] }),
      })).node;
      const search = fc.record({
        limit: fc.option(fc.integer({ min: -2, max: 50 }), { nil: undefined }),
        offset: fc.option(fc.integer({ min: -2, max: 20 }), { nil: undefined }),
        lexical_interpolation: fc.option(fc.double({ min: -1, max: 2, noNaN: true }), { nil: undefined }),
        metadata_filter: fc.option(fc.oneof(fc.string(), fc.constantFrom("doc.year > 2000", "part.rank = 1 OR doc.topic IN ('code')", 'doc.year = ', "doc.id = 'x'")), { nil: undefined }),
        semantics: fc.option(fc.constantFrom('default', 'query', 'response', 'other'), { nil: undefined }),
        custom_dimensions: fc.option(fc.dictionary(fc.constantFrom('boost', 'nope'), fc.double({ noNaN: true, min: -5, max: 5 })), { nil: undefined }),
        context_configuration: fc.option(fc.record({
          sentences_before: fc.integer({ min: -1, max: 3 }), sentences_after: fc.integer({ min: -1, max: 3 }),
          characters_before: fc.integer({ min: -1, max: 50 }), characters_after: fc.integer({ min: -1, max: 50 }),
          start_tag: fc.string({ maxLength: 5 }), end_tag: fc.string({ maxLength: 5 }),
        }, { requiredKeys: [] }), { nil: undefined }),
        reranker: fc.option(reranker, { nil: undefined }),
      }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 40 }), search, async (q, s) => {
          const res = await query({ query: q, search: s });
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status === 200) expectOk(res, 'queryCorpus', 200);
          else expect(res.body.messages?.length).toBeGreaterThan(0);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('bad requests', () => {
    it('are 400s naming the field', async () => {
      expectFieldError(await owner.post('/v2/corpora/kb/query', {}), 'query');
      expectFieldError(await query({ query: 'x', search: { limit: 0 } }), 'search.limit');
      expectFieldError(await query({ query: 'x', search: { lexical_interpolation: 2 } }), 'search.lexical_interpolation');
      expectFieldError(await query({ query: 'x', search: { reranker: { type: 'mmr', diversity_bias: 3 } } }), 'search.reranker.diversity_bias');
      expectFieldError(await owner.post('/v2/query', { query: 'x', search: { corpora: [] } }), 'search.corpora');
      expectFieldError(await owner.post('/v2/query', { query: 'x' }), 'search');
    });
  });
});
