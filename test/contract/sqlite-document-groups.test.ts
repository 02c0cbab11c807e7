/**
 * Documents handed to the SQLite repository in the same event-loop turn are written in one
 * transaction (a group commit). A document refused by its checks (a taken id, vectors of the
 * wrong size) has written nothing and is refused alone; one whose statement fails halfway is
 * refused alone too, the others written again; the others are stored whole, in the parts table,
 * the full-text index and the vectors alike. A database locked by another process fails the
 * group once, without a wait per document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuarryError } from '../../src/domain/errors.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { NewDocument, Storage } from '../../src/storage/types.js';
import { newCorpus } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-groups-'));
const dbPath = join(dir, 'quarry.db');
let storage: Storage;
let corpusId: number;

function doc(id: string, parts: number, dims = 4): NewDocument {
  return {
    corpus_id: corpusId,
    doc_id: id,
    title: `Title of ${id}`,
    metadata: { id },
    tables: [],
    images: [],
    parts: Array.from({ length: parts }, (_, i) => ({
      text: `${id} says harbour ${i}`, context: null, metadata: { i }, custom_dimensions: {}, is_title: false, lang: 'eng',
      offset: 0, section_path: null, table_id: null, vector: new Float32Array(dims).fill(1 / Math.sqrt(dims)),
    })),
  };
}

/** Rows per document id in the parts table and the full-text index. */
function stored(): Record<string, { parts: number; fts: number; vectors: number }> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], { doc_id: string; parts: number; fts: number; vectors: number }>(
        `SELECT d.doc_id, count(p.id) AS parts, count(f.rowid) AS fts, count(p.vector) AS vectors
         FROM documents d JOIN parts p ON p.doc_seq = d.seq LEFT JOIN parts_fts f ON f.rowid = p.id
         GROUP BY d.doc_id`,
      )
      .all();
    return Object.fromEntries(rows.map(({ doc_id, ...counts }) => [doc_id, counts]));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  storage = createSqliteStorage(dbPath);
  corpusId = (await storage.corpora.create(newCorpus({ key: 'groups' }))).id;
});

afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commits of documents', () => {
  it('stores the good documents of one turn whole and refuses the bad ones alone', async () => {
    const outcomes = await Promise.allSettled([
      storage.documents.create(doc('a', 3)),
      storage.documents.create(doc('b', 2)),
      storage.documents.create(doc('a', 5)), // the id is taken by the first, in the same transaction
      storage.documents.create(doc('c', 2, 8)), // the corpus holds 4-dimensional vectors by now
      storage.documents.create(doc('d', 1)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason as QuarryError;
    expect(reason(2)).toBeInstanceOf(QuarryError);
    expect(reason(2).status).toBe(409);
    expect(reason(3).status).toBe(400);
    expect((outcomes[0] as PromiseFulfilledResult<{ doc_id: string }>).value.doc_id).toBe('a');
    expect(stored()).toEqual({
      a: { parts: 3, fts: 3, vectors: 3 },
      b: { parts: 2, fts: 2, vectors: 2 },
      d: { parts: 1, fts: 1, vectors: 1 },
    });
  });

  it('a statement failing halfway through a document rolls back only that document', async () => {
    const broken = doc('broken', 3);
    // Refused by the database itself (parts.text_offset is NOT NULL) after the document's first rows.
    (broken.parts[1] as { offset: unknown }).offset = null;
    const outcomes = await Promise.allSettled([
      storage.documents.create(doc('before', 2)),
      storage.documents.create(broken),
      storage.documents.create(doc('after', 2)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    const rows = stored();
    expect(rows.before).toEqual({ parts: 2, fts: 2, vectors: 2 });
    expect(rows.after).toEqual({ parts: 2, fts: 2, vectors: 2 });
    expect(rows.broken).toBeUndefined();
    expect(await storage.documents.get(corpusId, 'broken')).toBeUndefined();
  });

  it('a database locked by another process fails the whole group after one wait, storing nothing', async () => {
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    try {
      const outcomes = await Promise.allSettled(['locked-1', 'locked-2', 'locked-3'].map((id) => storage.documents.create(doc(id, 2))));
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // One busy_timeout (5 s), not one per document: each retry would have waited again.
    expect(performance.now() - started).toBeLessThan(9_000);
    expect(Object.keys(stored()).filter((id) => id.startsWith('locked-'))).toEqual([]);
  }, 20_000);

  it('a turn with more parts than one group takes several transactions, all documents whole', async () => {
    const big = Array.from({ length: 6 }, (_, i) => doc(`big-${i}`, 1500));
    const records = await Promise.all(big.map((d) => storage.documents.create(d)));
    expect(records.map((r) => r.doc_id)).toEqual(big.map((d) => d.doc_id));
    const rows = stored();
    for (const d of big) expect(rows[d.doc_id]).toEqual({ parts: 1500, fts: 1500, vectors: 1500 });
    expect((await storage.documents.usage(corpusId)).parts).toBe(3 + 2 + 1 + 2 + 2 + 6 * 1500);
  });
});
