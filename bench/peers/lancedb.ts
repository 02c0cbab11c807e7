/**
 * LanceDB (@lancedb/lancedb 0.31, embedded, native) as a peer engine.
 *
 * Table: id (Int64), text (Utf8), title (Utf8), vector (FixedSizeList<Float32>[d]) in a fresh
 * directory that is removed afterwards.
 * Indexes:
 *  - native FTS (BM25) on `text` and on `title`, LanceDB's defaults (simple tokenizer, lowercase,
 *    English stemming, English stop words, ASCII folding, no positions); lexical queries are a
 *    MultiMatchQuery over both columns (OR of terms, equal boosts).
 *  - IVF_HNSW_SQ with cosine distance and one IVF partition (a single HNSW graph, LanceDB's advice
 *    for HNSW), default m = 20, efConstruction = 300, 8-bit scalar quantisation. Only at or above
 *    `annMinRows` rows; below that, vector search is LanceDB's exact flat scan.
 * Hybrid: vector + full-text in one query, fused natively by LanceDB's default reranker (RRF, k = 60).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  seconds,
  timeQueries,
  type EngineContext,
  type EngineRun,
  type PeerCorpus,
  type PeerQuery,
} from './types.js';

type LanceDB = typeof import('@lancedb/lancedb');

const ENGINE = 'lancedb';

let lanceModule: Promise<LanceDB> | undefined;
/**
 * Loaded lazily so that LANCEDB_LOG can default to "error" before the native logger starts: a
 * hybrid query can only project `id` (each sub-query rejects the other's score column), and the
 * resulting per-query deprecation warnings would otherwise be written to stderr inside the timed
 * loop. An explicit LANCEDB_LOG is left alone.
 */
function loadLanceDB(): Promise<LanceDB> {
  process.env['LANCEDB_LOG'] ??= 'error';
  lanceModule ??= import('@lancedb/lancedb');
  return lanceModule;
}
const LOAD_BATCH_ROWS = 10_000;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}

function ids(rows: Array<Record<string, unknown>>): number[] {
  return rows.map((r) => Number(r['id']));
}

export async function runLanceDB(corpus: PeerCorpus, queries: PeerQuery[], ctx: EngineContext): Promise<EngineRun> {
  const lancedb = await loadLanceDB();
  const notes: string[] = [];
  const n = corpus.texts.length;
  const dir = await mkdtemp(join(ctx.workDir, 'quarry-peer-lancedb-'));
  const db = await lancedb.connect(dir);
  let table: import('@lancedb/lancedb').Table | undefined;
  try {
    const t0 = process.hrtime.bigint();

    // Load: row objects → Arrow in batches (keeps the JS heap small), one Arrow table, one write.
    let arrow: ReturnType<LanceDB['makeArrowTable']> | undefined;
    for (let start = 0; start < n; start += LOAD_BATCH_ROWS) {
      const end = Math.min(n, start + LOAD_BATCH_ROWS);
      const rows: Array<Record<string, unknown>> = [];
      for (let i = start; i < end; i++) {
        rows.push({
          id: BigInt(i),
          text: corpus.texts[i] ?? '',
          title: corpus.titles[i] ?? '',
          vector: Array.from(corpus.vectors[i]!),
        });
      }
      const batch = lancedb.makeArrowTable(rows);
      arrow = arrow ? arrow.concat(batch) : batch;
    }
    if (!arrow) throw new Error('LanceDB: empty corpus');
    table = await db.createTable('parts', arrow);
    const loadS = seconds(t0);

    const t1 = process.hrtime.bigint();
    await table.createIndex('text', { config: lancedb.Index.fts() });
    await table.createIndex('title', { config: lancedb.Index.fts() });
    const ftsS = seconds(t1);

    const t2 = process.hrtime.bigint();
    let annBuilt = false;
    if (n >= ctx.annMinRows) {
      await table.createIndex('vector', {
        config: lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: 1 }),
      });
      annBuilt = true;
    } else {
      notes.push(
        `lancedb: no ANN index (${n} rows < ${ctx.annMinRows}); vector search is an exact flat scan, so its recall is 1 by construction`,
      );
    }
    const annS = seconds(t2);
    const buildS = seconds(t0);

    const indices = await table.listIndices();
    for (const ix of indices) {
      if (ix.indexType !== 'FTS' && ix.numUnindexedRows && ix.numUnindexedRows > 0) {
        notes.push(`lancedb: index ${ix.name} has ${ix.numUnindexedRows} unindexed rows`);
      }
    }
    const indexDesc = indices.map((ix) => `${ix.name}=${ix.indexType}`).join(', ');
    notes.push(
      `lancedb: indexes ${indexDesc}; FTS defaults (stem, English stop words, lowercase, ASCII folding), lexical = MultiMatchQuery(text, title); ` +
        (annBuilt
          ? `vector = IVF_HNSW_SQ cosine, 1 partition, m=20, efConstruction=300, search ef=${ctx.lanceEf ?? 'default (1.5 x limit)'}`
          : 'vector = flat cosine') +
        '; hybrid = native fusion (RRF k=60)',
    );
    let diskMiB = NaN;
    try {
      diskMiB = (await dirBytes(dir)) / 2 ** 20;
    } catch {
      /* size is informational only */
    }
    ctx.log(
      `lancedb: built ${n} rows in ${buildS.toFixed(2)} s (load ${loadS.toFixed(2)}, fts ${ftsS.toFixed(2)}, ann ${annS.toFixed(2)}); ${diskMiB.toFixed(1)} MiB on disk`,
    );

    const tbl = table;
    const k = ctx.k;
    const ftsQuery = (text: string) => new lancedb.MultiMatchQuery(text, ['text', 'title']);
    const vecQuery = (v: Float32Array) => {
      let q = tbl.vectorSearch(v).distanceType('cosine');
      if (annBuilt && ctx.lanceEf !== undefined) q = q.ef(ctx.lanceEf);
      return q;
    };

    const run: EngineRun = { engine: ENGINE, build_seconds: buildS, timings: [], results: {}, notes };

    const lexical = await timeQueries(ENGINE, 'lexical', queries.length, ctx.warmup, async (i) =>
      ids(await tbl.query().fullTextSearch(ftsQuery(queries[i]!.text)).select(['id', '_score']).limit(k).toArray()),
    );
    run.timings.push(lexical.timing);
    run.results.lexical = lexical.results;

    const vector = await timeQueries(ENGINE, 'vector', queries.length, ctx.warmup, async (i) =>
      ids(await vecQuery(queries[i]!.vector).select(['id', '_distance']).limit(k).toArray()),
    );
    run.timings.push(vector.timing);
    run.results.vector = vector.results;

    try {
      const hybrid = await timeQueries(ENGINE, 'hybrid', queries.length, ctx.warmup, async (i) =>
        ids(
          await vecQuery(queries[i]!.vector)
            .fullTextSearch(ftsQuery(queries[i]!.text))
            .select(['id'])
            .limit(k)
            .toArray(),
        ),
      );
      run.timings.push(hybrid.timing);
      run.results.hybrid = hybrid.results;
    } catch (err) {
      notes.push(`lancedb: hybrid n/a (${(err as Error).message.split(/\n| {2}Caused by/)[0]!.slice(0, 300)})`);
    }
    return run;
  } finally {
    try {
      table?.close();
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
