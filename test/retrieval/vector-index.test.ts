/**
 * Vector search over a real SQLite store: with an HNSW graph (a low threshold, so a small corpus
 * gets one) results match exact search, rows added after the build are found (searched exactly
 * beside the graph), removed parts never come back, and filtered searches stay exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorIndexes } from '../../src/retrieval/vector-index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Storage } from '../../src/storage/types.js';
import { newCorpus } from '../contract/builders.js';
import { prng } from '../../bench/prng.js';

const DIMS = 16;
const random = prng(7);

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
/** Clustered vectors, like embeddings: 12 centres, noise around them. */
const centres = Array.from({ length: 12 }, () => Float32Array.from({ length: DIMS }, () => random() - 0.5));
const vectorNear = (c: number) => unit(centres[c % centres.length]!.map((x) => x + 0.25 * (random() - 0.5)));

describe('vector indexes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-vectors-'));
  let storage: Storage;
  let corpusId: number;
  const stored = new Map<number, Float32Array>();

  async function addDocument(docId: string, parts: number, salt: number, same = false): Promise<void> {
    const one = vectorNear(salt);
    const vectors = Array.from({ length: parts }, (_, i) => (same ? one : vectorNear(salt + i)));
    await storage.documents.create({
      corpus_id: corpusId,
      doc_id: docId,
      title: null,
      metadata: { salt },
      tables: [],
      images: [],
      parts: vectors.map((vector, i) => ({
        text: `${docId} part ${i}`, context: null, metadata: {}, custom_dimensions: {}, is_title: false, lang: null, offset: 0, section_path: null, table_id: null, vector,
      })),
    });
    await refreshStored();
  }

  async function refreshStored(): Promise<void> {
    stored.clear();
    for (const { id, vector } of await storage.search.vectorsAfter(corpusId, 0, 1_000_000)) stored.set(id, vector);
  }

  /** The exact answer, computed here. */
  function exact(query: Float32Array, k: number, among?: readonly number[]): number[] {
    const ids = among ?? [...stored.keys()];
    const dot = (v: Float32Array) => v.reduce((s, x, i) => s + x * query[i]!, 0);
    return ids.map((id) => ({ id, s: dot(stored.get(id)!) })).sort((a, b) => b.s - a.s || a.id - b.id).slice(0, k).map((h) => h.id);
  }

  beforeAll(async () => {
    storage = createSqliteStorage(join(dir, 'quarry.db'));
    corpusId = (await storage.corpora.create(newCorpus())).id;
    for (let d = 0; d < 30; d++) await addDocument(`doc-${d}`, 10, d * 3);
  });

  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds what exact search finds, through the graph once it is built', async () => {
    const graphOn = new VectorIndexes(storage.search, 100);
    await graphOn.ready(corpusId);
    let found = 0;
    for (let q = 0; q < 40; q++) {
      const query = vectorNear(q * 5);
      const hits = await graphOn.nearest(corpusId, query, 10);
      const want = exact(query, 10);
      found += hits.filter((h) => want.includes(h.id)).length;
      for (const h of hits) expect(h.cosine).toBeCloseTo(stored.get(h.id)!.reduce((s, x, i) => s + x * query[i]!, 0), 5);
    }
    expect(found / 400).toBeGreaterThanOrEqual(0.95);
  });

  it('finds parts added after the build, and never parts since removed', async () => {
    const graphOn = new VectorIndexes(storage.search, 100);
    await graphOn.ready(corpusId);
    await addDocument('late', 3, 1000);
    const lateIds = [...stored.keys()].slice(-3);
    for (const id of lateIds) expect((await graphOn.nearest(corpusId, stored.get(id)!, 1))[0]!.id).toBe(id);

    const doomed = [...stored.keys()].slice(0, 10);
    expect(await storage.documents.delete(corpusId, 'doc-0')).toBe(true);
    await refreshStored();
    for (const id of doomed) {
      const hits = await graphOn.nearest(corpusId, (await graphOn.vectorOf(corpusId, id)) ?? vectorNear(0), 20);
      expect(hits.map((h) => h.id)).not.toContain(id);
    }
    await graphOn.ready(corpusId);
    const query = vectorNear(4);
    const hits = (await graphOn.nearest(corpusId, query, 10)).map((h) => h.id);
    expect(hits.filter((id) => exact(query, 10).includes(id)).length).toBeGreaterThanOrEqual(9);
    expect(hits.some((id) => doomed.includes(id))).toBe(false);
  });

  it('finds every part of a repeated vector through the graph, which holds it once', async () => {
    await addDocument('repeated', 4, 2000, true);
    const graphOn = new VectorIndexes(storage.search, 100);
    await graphOn.ready(corpusId);
    const copies = [...stored.keys()].slice(-4);
    const hits = await graphOn.nearest(corpusId, stored.get(copies[0]!)!, 4);
    expect(hits.map((h) => h.id)).toEqual(copies);
    expect(new Set(hits.map((h) => h.cosine)).size).toBe(1);
  });

  it('searches a narrow filter\'s parts exactly, and again from its cached subset', async () => {
    const graphOn = new VectorIndexes(storage.search, 100);
    await graphOn.ready(corpusId);
    const among = [...stored.keys()].filter((id) => id % 10 === 0);
    const allowed = { key: 'every-tenth', ids: among };
    for (let round = 0; round < 2; round++) {
      const query = vectorNear(7 + round);
      const hits = await graphOn.nearest(corpusId, query, 10, allowed);
      expect(hits.map((h) => h.id)).toEqual(exact(query, 10, among));
    }
  });

  it('searches a broad filter through the graph, keeping only its parts', async () => {
    const graphOn = new VectorIndexes(storage.search, 100);
    await graphOn.ready(corpusId);
    const among = [...stored.keys()].filter((id) => id % 3 === 0);
    const allowed = { key: 'every-third', ids: among };
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const query = vectorNear(q * 7);
      const hits = (await graphOn.nearest(corpusId, query, 10, allowed)).map((h) => h.id);
      expect(hits).toHaveLength(10);
      expect(hits.every((id) => among.includes(id))).toBe(true);
      found += hits.filter((id) => exact(query, 10, among).includes(id)).length;
    }
    expect(found / 200).toBeGreaterThanOrEqual(0.95);
  });
});
