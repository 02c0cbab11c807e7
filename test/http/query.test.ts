import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, type Client } from './support.js';

/**
 * The three query operations end to end over a small corpus whose rankings are known: golden
 * orderings for lexical-only, vector-only and hybrid search, filters compiled into the search,
 * context, re-rankers, multi-corpus queries and their permission checks, and query history.
 */
const SETTINGS = {
  filter_attributes: [
    { name: 'year', level: 'document', type: 'integer' },
    { name: 'topic', level: 'document', type: 'text' },
    { name: 'rank', level: 'part', type: 'integer' },
  ],
  custom_dimensions: [{ name: 'boost', indexing_default: 0, querying_default: 0 }],
};

const DOCS = [
  { id: 'cats', year: 2019, topic: 'animals', parts: ['Cats are small domesticated carnivorous mammals.', 'A cat purrs when it is content.'] },
  { id: 'dogs', year: 2021, topic: 'animals', parts: ['Dogs are loyal companions of people.', 'A dog barks at strangers.'] },
  { id: 'rust', year: 2015, topic: 'code', parts: ['Rust is a systems programming language.', 'It focuses on memory safety without garbage collection.'] },
  { id: 'python', year: 2022, topic: 'code', parts: ['Python is a programming language with dynamic typing.'] },
  { id: 'tea', year: 2023, topic: 'drinks', parts: ['Green tea is brewed from unoxidized leaves.', 'Brewing takes three minutes.'] },
];

const ids = (res: { body: any }) => (res.body.search_results as any[]).map((r) => r.document_id);

describe('query over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb', SETTINGS);
    await createCorpus(owner, 'other', SETTINGS);
    for (const d of DOCS) {
      const res = await owner.post('/v2/corpora/kb/documents', {
        type: 'core',
        id: d.id,
        metadata: { year: d.year, topic: d.topic },
        document_parts: d.parts.map((text, i) => ({ text, metadata: { rank: i }, custom_dimensions: { boost: d.id === 'tea' ? 1 : 0 } })),
      });
      expectOk(res, 'createCorpusDocument', 201);
    }
    const res = await owner.post('/v2/corpora/other/documents', {
      type: 'core', id: 'kettle', document_parts: [{ text: 'A kettle boils water for tea.' }],
    });
    expectOk(res, 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
  });

  const query = (body: Record<string, unknown>, corpus = 'kb') => owner.post(`/v2/corpora/${corpus}/query`, body);
  const lexical = (q: string, extra: Record<string, unknown> = {}) =>
    query({ query: q, search: { lexical_interpolation: 1, ...extra } });

  describe('lexical search (lexical_interpolation 1)', () => {
    it('ranks parts matching more and rarer words first, and returns only matches', async () => {
      const res = await lexical('programming language typing');
      expectOk(res, 'queryCorpus', 200);
      expect(ids(res)).toEqual(['python', 'rust']);
      expect(res.body.search_results[0].score).toBeGreaterThan(res.body.search_results[1].score);
    });

    it('reads quoted phrases, word* prefixes and -word exclusions', async () => {
      expect(ids(await lexical('"memory safety"'))).toEqual(['rust']);
      expect(ids(await lexical('"safety memory"'))).toEqual([]);
      expect(new Set(ids(await lexical('progr*')))).toEqual(new Set(['rust', 'python']));
      expect(ids(await lexical('programming -rust'))).toEqual(['python']);
      expect(ids(await lexical('programming -"systems programming"'))).toEqual(['python']);
    });

    it("finds a corpus's matches even when another corpus holds all the best ones", async () => {
      await createCorpus(owner, 'crowd');
      await createCorpus(owner, 'lonely');
      for (let i = 0; i < 30; i++) {
        expectOk(await owner.post('/v2/corpora/crowd/documents', { type: 'core', id: `c${i}`, document_parts: [{ text: 'Oolong oolong oolong.' }] }), 'createCorpusDocument', 201);
      }
      expectOk(await owner.post('/v2/corpora/lonely/documents', { type: 'core', id: 'only', document_parts: [{ text: 'A long essay that mentions oolong once among many other words.' }] }), 'createCorpusDocument', 201);
      const res = await owner.post('/v2/corpora/lonely/query', { query: 'oolong', search: { lexical_interpolation: 1, limit: 2 } });
      expect(ids(res)).toEqual(['only']);
      expect(ids(await owner.post('/v2/corpora/crowd/query', { query: 'oolong', search: { lexical_interpolation: 1, limit: 3 } }))).toHaveLength(3);
    });

    it('finds filtered matches even when the filter rejects all the best ones', async () => {
      await createCorpus(owner, 'sieve', { filter_attributes: [{ name: 'keep', level: 'document', type: 'integer' }] });
      for (let i = 0; i < 30; i++) {
        expectOk(await owner.post('/v2/corpora/sieve/documents', { type: 'core', id: `s${i}`, metadata: { keep: 0 }, document_parts: [{ text: 'Oolong oolong oolong.' }] }), 'createCorpusDocument', 201);
      }
      expectOk(await owner.post('/v2/corpora/sieve/documents', { type: 'core', id: 'kept', metadata: { keep: 1 }, document_parts: [{ text: 'A long essay that mentions oolong once among many other words.' }] }), 'createCorpusDocument', 201);
      const res = await owner.post('/v2/corpora/sieve/query', { query: 'oolong', search: { lexical_interpolation: 1, limit: 2, metadata_filter: 'doc.keep = 1' } });
      expect(ids(res)).toEqual(['kept']);
    });

    it('stems words (porter): "brewing" finds "brewed"', async () => {
      expect(new Set(ids(await lexical('brew')))).toEqual(new Set(['tea']));
    });
  });

  describe('vector search (lexical_interpolation 0)', () => {
    it('finds parts by meaning without shared words', async () => {
      const res = await query({ query: 'feline pets', search: { lexical_interpolation: 0, limit: 3 } });
      expectOk(res, 'queryCorpus', 200);
      expect(ids(res)[0]).toBe('cats');
      expect(ids(await query({ query: 'puppy', search: { lexical_interpolation: 0, limit: 3 } }))[0]).toBe('dogs');
      expect(ids(await query({ query: 'coffee', search: { lexical_interpolation: 0, limit: 3 } }))[0]).toBe('tea');
      expect(['rust', 'python']).toContain(ids(await query({ query: 'compiler', search: { lexical_interpolation: 0, limit: 3 } }))[0]);
    });

    it('scores are cosine similarities, best first', async () => {
      const res = await query({ query: 'software developer code', search: { lexical_interpolation: 0, limit: 9 } });
      const scores = (res.body.search_results as any[]).map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.every((s) => s <= 1 && s >= -1)).toBe(true);
      expect(['rust', 'python']).toContain(ids(res)[0]);
    });
  });

  describe('the in-memory vector index', () => {
    it('follows writes: new documents appear, deleted ones go, a reset empties it', async () => {
      await createCorpus(owner, 'live', SETTINGS);
      const vectorIds = async () => ids(await owner.post('/v2/corpora/live/query', { query: 'coffee tea', search: { lexical_interpolation: 0, limit: 20 } }));
      expect(await vectorIds()).toEqual([]);
      for (const id of ['a', 'b', 'c']) {
        expectOk(await owner.post('/v2/corpora/live/documents', { type: 'core', id, document_parts: [{ text: `Tea and coffee, note ${id}.` }] }), 'createCorpusDocument', 201);
        expect((await vectorIds()).sort()).toEqual(['a', 'b', 'c'].slice(0, ['a', 'b', 'c'].indexOf(id) + 1));
      }
      expect((await owner.delete('/v2/corpora/live/documents/b')).status).toBe(204);
      expect((await vectorIds()).sort()).toEqual(['a', 'c']);
      expectOk(await owner.post('/v2/corpora/live/documents', { type: 'core', id: 'd', document_parts: [{ text: 'Coffee beans.' }] }), 'createCorpusDocument', 201);
      expect((await vectorIds()).sort()).toEqual(['a', 'c', 'd']);
      expect((await owner.post('/v2/corpora/live/reset', {})).status).toBe(204);
      expect(await vectorIds()).toEqual([]);
    });
  });

  describe('hybrid search', () => {
    it('by default finds lexical matches first and fills with vector neighbours', async () => {
      const res = await query({ query: 'dog barks', search: { limit: 5 } });
      expectOk(res, 'queryCorpus', 200);
      expect(ids(res)[0]).toBe('dogs');
      expect(res.body.search_results.length).toBe(5);
    });

    it('asked to rewrite the query, searches it as given and warns that it was not rewritten', async () => {
      const res = await query({ query: 'green tea', intelligent_query_rewriting: true });
      expectOk(res, 'queryCorpus', 200);
      expect(res.body.warnings).toEqual(['intelligent_query_rewriting_failed']);
      expect(ids(res)[0]).toBe('tea');
      expect((await query({ query: 'green tea' })).body.warnings).toBeUndefined();
      expect((await owner.get('/v2/corpora/kb/query?query=tea&intelligent_query_rewriting=true')).body.warnings).toEqual(['intelligent_query_rewriting_failed']);
    });

    it('GET /query searches with the defaults', async () => {
      const res = await owner.get('/v2/corpora/kb/query?query=green%20tea&limit=2');
      expectOk(res, 'searchCorpus', 200);
      expect(ids(res)[0]).toBe('tea');
      expect(res.body.search_results).toHaveLength(2);
    });

    it('pages with offset and limit', async () => {
      const all = ids(await query({ query: 'language', search: { limit: 6 } }));
      const page = ids(await query({ query: 'language', search: { offset: 2, limit: 2 } }));
      expect(page).toEqual(all.slice(2, 4));
    });

    it('custom dimensions add weight × value to the score', async () => {
      const plain = await query({ query: 'mammals', search: { lexical_interpolation: 0, limit: 9 } });
      const boosted = await query({ query: 'mammals', search: { lexical_interpolation: 0, limit: 9, custom_dimensions: { boost: 5 } } });
      expect(ids(plain)[0]).not.toBe('tea');
      expect(ids(boosted)[0]).toBe('tea');
      expectFieldError(await query({ query: 'x', search: { custom_dimensions: { nope: 1 } } }), 'search.custom_dimensions');
    });
  });

  describe('metadata filters', () => {
    it('are compiled into both searches: only matching parts come back', async () => {
      for (const lexical_interpolation of [0, 0.5, 1]) {
        const res = await query({ query: 'programming language animals', search: { lexical_interpolation, metadata_filter: "doc.topic = 'code' AND doc.year > 2016" } });
        expectOk(res, 'queryCorpus', 200);
        expect(ids(res)).toEqual(['python']);
      }
    });

    it('reach part metadata, part.lang, part.is_title and doc.id', async () => {
      const second = await query({ query: 'a', search: { lexical_interpolation: 0, limit: 20, metadata_filter: 'part.rank = 1' } });
      expect(new Set(ids(second))).toEqual(new Set(['cats', 'dogs', 'rust', 'tea']));
      const byId = await query({ query: 'language', search: { limit: 20, metadata_filter: "doc.id IN ('rust', 'tea')" } });
      expect(new Set(ids(byId))).toEqual(new Set(['rust', 'tea']));
      const english = await query({ query: 'language', search: { limit: 20, metadata_filter: "part.lang = 'eng' AND part.is_title = false" } });
      expectOk(english, 'queryCorpus', 200);
    });

    it('see metadata changes at once, also for a filter just used', async () => {
      await createCorpus(owner, 'meta', SETTINGS);
      expectOk(await owner.post('/v2/corpora/meta/documents', { type: 'core', id: 'm1', metadata: { year: 2000 }, document_parts: [{ text: 'Tea.' }] }), 'createCorpusDocument', 201);
      const find = async () => ids(await owner.post('/v2/corpora/meta/query', { query: 'tea', search: { lexical_interpolation: 0, metadata_filter: 'doc.year > 2010' } }));
      expect(await find()).toEqual([]);
      expectOk(await owner.patch('/v2/corpora/meta/documents/m1', { metadata: { year: 2020 } }), 'updateCorpusDocument', 200);
      expect(await find()).toEqual(['m1']);
    });

    it('naming an undeclared attribute is a 400 that names it', async () => {
      const res = await query({ query: 'x', search: { metadata_filter: 'doc.colour = 1' } });
      expectFieldError(res, 'search.metadata_filter');
      expect(res.body.field_errors['search.metadata_filter']).toContain('colour');
      const multi = await owner.post('/v2/query', { query: 'x', search: { corpora: [{ corpus_key: 'kb' }, { corpus_key: 'other', metadata_filter: 'doc.year = ' }] } });
      expectFieldError(multi, 'search.corpora[1].metadata_filter');
    });
  });

  describe('context', () => {
    it('adds neighbouring sentences and wraps the match in the tags', async () => {
      const res = await query({
        query: '"memory safety"',
        search: { lexical_interpolation: 1, context_configuration: { sentences_before: 1, sentences_after: 1, start_tag: '<b>', end_tag: '</b>' } },
      });
      expectOk(res, 'queryCorpus', 200);
      expect(res.body.search_results[0].text).toBe(
        'Rust is a systems programming language. <b>It focuses on memory safety without garbage collection.</b>',
      );
    });
  });

  describe('rerankers', () => {
    const rerank = (reranker: Record<string, unknown>, q = 'language programming animals mammals tea') =>
      query({ query: q, search: { limit: 10, reranker } });

    it('lists the built-in and Vectara names', async () => {
      const res = await owner.get('/v2/rerankers');
      expectOk(res, 'listRerankers', 200);
      const names = (res.body.rerankers as any[]).map((r) => r.name);
      expect(names).toContain('quarry-lexical-rerank-v1');
      expect(names).toContain('Rerank_Multilingual_v1');
      const filtered = await owner.get('/v2/rerankers?filter=^Rerank');
      expect((filtered.body.rerankers as any[]).map((r) => r.name)).toEqual(['Rerank_Multilingual_v1']);
    });

    it('a user function rescores and drops rows whose result is null', async () => {
      const res = await rerank({ type: 'userfn', user_function: "if (get('$.document_metadata.year') > 2020) get('$.document_metadata.year') else null" });
      expectOk(res, 'queryCorpus', 200);
      const years = (res.body.search_results as any[]).map((r) => r.document_metadata.year);
      expect(years.length).toBeGreaterThan(0);
      expect(years.every((y) => y > 2020)).toBe(true);
      expect(years).toEqual([...years].sort((a, b) => b - a));
      expect(res.body.search_results[0].score).toBe(years[0]);
      expectFieldError(await rerank({ type: 'userfn', user_function: 'get(' }), 'search.reranker.user_function');
    });

    it('the built-in and its Vectara names rerank; cutoff then limit apply', async () => {
      for (const spec of [{ type: 'customer_reranker' }, { reranker_name: 'Rerank_Multilingual_v1' }, { reranker_id: 'rnk_272725719' }]) {
        const res = await rerank({ ...spec, limit: 2 }, 'dog barks');
        expectOk(res, 'queryCorpus', 200);
        expect(res.body.search_results).toHaveLength(2);
        expect(ids(res)[0]).toBe('dogs');
      }
      const all = await rerank({ type: 'customer_reranker' }, 'dog barks');
      const scores = (all.body.search_results as any[]).map((r) => r.score);
      const cut = await rerank({ type: 'customer_reranker', cutoff: scores[1] }, 'dog barks');
      expect(cut.body.search_results).toHaveLength(scores.filter((s) => s >= scores[1]).length);
      expectFieldError(await rerank({ reranker_name: 'nope' }), 'search.reranker.reranker_name');
    });

    it('MMR with diversity_bias 1 avoids a second result from the same neighbourhood', async () => {
      const plain = await rerank({ type: 'none' }, 'cat dog');
      const diverse = await rerank({ type: 'mmr', diversity_bias: 1 }, 'cat dog');
      expectOk(diverse, 'queryCorpus', 200);
      expect(diverse.body.search_results).toHaveLength(plain.body.search_results.length);
      expect(ids(diverse)[0]).toBe(ids(plain)[0]);
      const legacy = await rerank({ reranker_id: 'rnk_272725718', diversity_bias: 0 }, 'cat dog');
      expect(ids(legacy)).toEqual(ids(plain));
    });

    it('chains run in order and `none` only limits', async () => {
      const res = await rerank({
        type: 'chain',
        rerankers: [{ type: 'customer_reranker' }, { type: 'userfn', user_function: "get('$.document_metadata.year')" }, { type: 'none', limit: 3 }],
      });
      expectOk(res, 'queryCorpus', 200);
      const years = (res.body.search_results as any[]).map((r) => r.document_metadata.year);
      expect(years).toHaveLength(3);
      expect(years).toEqual([...years].sort((a, b) => b - a));
      const tooLong = await rerank({ type: 'chain', rerankers: Array.from({ length: 51 }, () => ({ type: 'none' })) });
      expectFieldError(tooLong, 'search.reranker.rerankers');
    });
  });

  describe('several corpora', () => {
    it('merges results and says which corpus each came from', async () => {
      const res = await owner.post('/v2/query', {
        query: 'tea',
        search: { corpora: [{ corpus_key: 'kb', lexical_interpolation: 1 }, { corpus_key: 'other', lexical_interpolation: 1 }], limit: 5 },
      });
      expectOk(res, 'query', 200);
      const found = (res.body.search_results as any[]).map((r) => [r.document_id, r.request_corpora_index]);
      expect(found).toEqual(expect.arrayContaining([['tea', 0], ['kettle', 1]]));
    });

    it('a per-corpus query replaces the request query for that corpus', async () => {
      const res = await owner.post('/v2/query', {
        query: 'tea',
        search: { corpora: [{ corpus_key: 'kb', query: 'dog', lexical_interpolation: 1 }, { corpus_key: 'other', lexical_interpolation: 1 }] },
      });
      expect([...new Set((res.body.search_results as any[]).map((r) => r.document_id))].sort()).toEqual(['dogs', 'kettle']);
    });

    it('a QueryService key reaches only its corpora: naming another is a 403', async () => {
      const key = await createKey(owner, 'serving', ['kb']);
      const bound = client(server.app, key.secret_key);
      expectOk(await bound.post('/v2/corpora/kb/query', { query: 'tea' }), 'queryCorpus', 200);
      expectError(await bound.post('/v2/corpora/other/query', { query: 'tea' }), 403);
      expectOk(await bound.post('/v2/query', { query: 'tea', search: { corpora: [{ corpus_key: 'kb' }] } }), 'query', 200);
      expectError(await bound.post('/v2/query', { query: 'tea', search: { corpora: [{ corpus_key: 'kb' }, { corpus_key: 'other' }] } }), 403);
    });

    it('an unknown corpus is a 404', async () => {
      expectError(await owner.post('/v2/corpora/nope/query', { query: 'x' }), 404, 'NotFoundError');
    });
  });

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
