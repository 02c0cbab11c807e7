import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type TestServer } from '../helpers/app.js';
import { DOCS, ids, SETTINGS, startQueryServer } from './query-fixture.js';
import { createCorpus, createKey, expectError, expectFieldError, expectOk, type Client } from './support.js';

/**
 * The three query operations end to end over a small corpus whose rankings are known: golden
 * orderings for lexical-only, vector-only and hybrid search, filters compiled into the search,
 * context, re-rankers, multi-corpus queries and their permission checks. Query history, streaming
 * and odd, random and bad requests are in query-requests.test.ts.
 */
describe('query over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    ({ server, owner } = await startQueryServer());
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
});
