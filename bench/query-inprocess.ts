/**
 * The in-process half of the query section (bench/query-latency.ts): Quarry's query service
 * against LanceDB and Orama (bench/peers) on the very parts a bench server indexed.
 *
 * Input: a snapshot of a bench server's data directory (quarry.db holds corpus "bench").
 *  - the parts' texts and vectors are read from the snapshot read-only (table `parts`, vector BLOB
 *    little-endian float32), in part id order, so part index i is the same everywhere;
 *  - a Quarry app is built over the snapshot (nothing listens); its EncoderService embeds the
 *    query texts as the query service would (kind 'query' unless the corpus says otherwise), and
 *    those vectors are what the peers get;
 *  - runPeers builds and times the peers; our engine is timed the same way (timeQueries: one query
 *    at a time, after a warm-up) through app.services.query.run(planCorpusQuery(...)). LanceDB
 *    gets every query; Orama only the first `oramaQueries` (at 100k parts its full-text and
 *    hybrid queries take seconds each), and ours is timed again on that subset for its ratios.
 *
 * Not quite like for like, in the peers' favour: our time per query covers the whole service call
 * (plan checks, embedding the query text, search, fetching the hits' texts and metadata from
 * SQLite, building results); the peers are handed the query vector and return row indices.
 *
 * Recall@10 of our vector search (λ=0) against the exact cosine top 10 is counted on part texts
 * (a multiset), not ids: results carry no part id, and the generated set repeats some sentences;
 * equal texts have equal vectors, so which copy ranks first among ties does not matter.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { buildApp, type QuarryApp } from '../src/app.js';
import { buildConfig } from '../src/config/load.js';
import { planCorpusQuery } from '../src/domain/query/plan.js';
import { createSqliteStorage } from '../src/storage/sqlite/index.js';
import { runPeers, type PeerCorpus, type PeerMode, type PeerQuery, type PeerReport, type PeerTiming } from './peers/index.js';
import { timeQueries } from './peers/types.js';
import { round } from './measure.js';

const K = 10;
const WARMUP = 10;
/** λ per mode for our engine; hybrid is the corpus default (no lexical_interpolation sent). */
const LAMBDA: Record<PeerMode, number | undefined> = { lexical: 1, vector: 0, hybrid: undefined };
/** Orama's queries take seconds each at 100k parts; a couple warm it up enough. */
const ORAMA_WARMUP = 2;
const MODES: PeerMode[] = ['lexical', 'vector', 'hybrid'];

export interface InProcessOptions {
  corpusKey: string;
  lanceEf: number;
  /** Queries Orama gets (the first ones); 0 skips Orama. */
  oramaQueries: number;
  log: (line: string) => void;
}

export interface ModeComparison {
  mode: PeerMode;
  ours: PeerTiming;
  /** Per peer, on the queries that peer got: our mean / their mean and our p50 / their p50 (below 1: we are faster). */
  versus: Record<string, { queries: number; peerMeanMs: number; peerP50Ms: number; meanRatio: number; p50Ratio: number }>;
}

export interface InProcessReport {
  parts: number;
  dimensions: number;
  queries: number;
  lanceEf: number;
  oramaQueries: number;
  readSeconds: number;
  peers: Omit<PeerReport, 'results'>;
  comparisons: ModeComparison[];
  /** Our vector search (λ=0) against exact cosine top 10, on texts. */
  oursVectorRecallAt10: number;
}

interface Snapshot {
  texts: string[];
  vectors: Float32Array[];
}

function readParts(dbFile: string, corpusKey: string): Snapshot {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[string], { text: string; vector: Buffer | null }>(
        'SELECT p.text, p.vector FROM parts p JOIN corpora c ON c.id = p.corpus_id WHERE c.key = ? ORDER BY p.id',
      )
      .all(corpusKey);
    const texts: string[] = [];
    const vectors: Float32Array[] = [];
    for (const r of rows) {
      if (!r.vector) throw new Error('a part has no stored vector');
      // Copy: the Buffer may sit at an offset that is not 4-aligned in a shared pool.
      const bytes = new Uint8Array(r.vector);
      texts.push(r.text);
      vectors.push(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    }
    return { texts, vectors };
  } finally {
    db.close();
  }
}

/** |found ∩ truth| / |truth| counted on texts, as multisets. */
function textRecall(found: string[], truth: string[]): number {
  if (truth.length === 0) return 1;
  const left = new Map<string, number>();
  for (const t of found) left.set(t, (left.get(t) ?? 0) + 1);
  let hit = 0;
  for (const t of truth) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      hit++;
      left.set(t, n - 1);
    }
  }
  return hit / truth.length;
}

async function openApp(dataDir: string): Promise<QuarryApp> {
  const config = buildConfig({ host: '127.0.0.1', port: 0, data_dir: dataDir, log_level: 'silent' });
  return buildApp({ config, storage: createSqliteStorage(join(dataDir, 'quarry.db')) });
}

export async function runInProcess(dataDir: string, queryTexts: string[], options: InProcessOptions): Promise<InProcessReport> {
  const { log, corpusKey } = options;
  const t0 = performance.now();
  const snap = readParts(join(dataDir, 'quarry.db'), corpusKey);
  const readSeconds = (performance.now() - t0) / 1000;
  log(`query: in-process: ${snap.texts.length} parts read in ${readSeconds.toFixed(1)} s`);

  const app = await openApp(dataDir);
  try {
    const corpus = await app.storage.corpora.getByKey(corpusKey);
    if (!corpus) throw new Error(`corpus ${corpusKey} not in the snapshot`);
    // Our engine as a running server has it: postings, vectors and the HNSW graph built.
    await app.services.query.ready(corpusKey);
    const encoder = await app.services.encoders.resolve(corpus.encoder_name);
    const kind = corpus.queries_are_answers ? 'document' : 'query';
    const queries: PeerQuery[] = [];
    for (const text of queryTexts) queries.push({ text, vector: (await encoder.embed([text], kind))[0]! });

    const corpusForPeers: PeerCorpus = { texts: snap.texts, titles: snap.texts.map(() => ''), vectors: snap.vectors };
    const peerLog = (l: string) => log(`query: ${l}`);
    const common = { k: K, warmup: WARMUP, lanceEf: options.lanceEf, log: peerLog };
    const lance = await runPeers(corpusForPeers, queries, { ...common, engines: ['lancedb'] });
    const oramaCount = Math.min(options.oramaQueries, queries.length);
    const orama = oramaCount > 0 ? await runPeers(corpusForPeers, queries.slice(0, oramaCount), { ...common, warmup: ORAMA_WARMUP, engines: ['orama'] }) : undefined;
    const peers = merge(lance, orama);

    /** Our engine in one mode on the first `count` queries: timing and each query's result texts. */
    const timeOurs = async (mode: PeerMode, count: number) => {
      const texts: string[][] = [];
      const lambda = LAMBDA[mode];
      const { timing } = await timeQueries('quarry', mode, count, WARMUP, async (i) => {
        const search = { limit: K, ...(lambda === undefined ? {} : { lexical_interpolation: lambda }) };
        const outcome = await app.services.query.run(planCorpusQuery(corpusKey, { query: queries[i]!.text, search }));
        texts[i] = outcome.search_results.map((r) => r.text);
        return [];
      });
      return { timing, texts };
    };

    const comparisons: ModeComparison[] = [];
    let oursVectorTexts: string[][] = [];
    for (const mode of MODES) {
      const all = await timeOurs(mode, queries.length);
      if (mode === 'vector') oursVectorTexts = all.texts;
      const subset = oramaCount > 0 && oramaCount < queries.length ? (await timeOurs(mode, oramaCount)).timing : all.timing;
      const versus: ModeComparison['versus'] = {};
      for (const t of peers.timings.filter((x) => x.mode === mode)) {
        const ours = t.queries === all.timing.queries ? all.timing : subset;
        versus[t.engine] = {
          queries: t.queries,
          peerMeanMs: t.mean_ms,
          peerP50Ms: t.p50_ms,
          meanRatio: round(ours.mean_ms / t.mean_ms, 3),
          p50Ratio: round(ours.p50_ms / t.p50_ms, 3),
        };
      }
      comparisons.push({ mode, ours: all.timing, versus });
      log(`query: quarry ${mode}: p50 ${all.timing.p50_ms} ms, mean ${all.timing.mean_ms} ms`);
    }

    const truth = peers.results?.['exact:vector'] ?? [];
    const recall = truth.reduce((sum, ids, q) => sum + textRecall(oursVectorTexts[q] ?? [], ids.map((i) => snap.texts[i]!)), 0);
    const { results: _results, ...peerSummary } = peers;
    void _results;
    return {
      parts: snap.texts.length,
      dimensions: snap.vectors[0]?.length ?? 0,
      queries: queries.length,
      lanceEf: options.lanceEf,
      oramaQueries: oramaCount,
      readSeconds: round(readSeconds, 2),
      peers: peerSummary,
      comparisons,
      oursVectorRecallAt10: round(recall / Math.max(1, truth.length), 4),
    };
  } finally {
    await app.close();
  }
}

/** One report from two runPeers calls (the exact top 10 comes from the one with every query). */
function merge(a: PeerReport, b: PeerReport | undefined): PeerReport {
  if (!b) return a;
  return {
    build_seconds: { ...a.build_seconds, ...b.build_seconds },
    timings: [...a.timings, ...b.timings],
    vector_recall_at_10: { ...a.vector_recall_at_10, ...b.vector_recall_at_10 },
    results: { ...b.results, ...a.results },
    notes: [...(a.notes ?? []), ...(b.notes ?? [])],
  };
}


export function formatInProcess(r: InProcessReport): string[] {
  const lines = [
    `  in-process, one query at a time: ${r.queries} queries over the same ${r.parts} parts (${r.dimensions} d); ` +
      `ours = app.services.query.run, whole call; peers get the query vector`,
    `  build: ${Object.entries(r.peers.build_seconds).map(([e, s]) => `${e} ${s} s`).join(', ')}`,
    `  LanceDB gets all ${r.queries} queries, Orama the first ${r.oramaQueries} (ours timed again on those for its ratios)`,
    '  mode      quarry p50 / mean ms    ' + 'peer: p50 / mean ms, ours/theirs (mean, p50)',
  ];
  for (const c of r.comparisons) {
    const peers = Object.entries(c.versus)
      .map(([e, v]) => `${e} ${v.peerP50Ms} / ${v.peerMeanMs} ms, x${v.meanRatio} / x${v.p50Ratio}`)
      .join('   ');
    lines.push(`  ${c.mode.padEnd(9)} ${`${c.ours.p50_ms} / ${c.ours.mean_ms}`.padEnd(23)} ${peers || '(no peer)'}`);
  }
  lines.push(
    `  vector recall@10 vs exact: quarry ${r.oursVectorRecallAt10}` +
      Object.entries(r.peers.vector_recall_at_10).map(([e, x]) => `, ${e} ${x}${e === 'lancedb' ? ` (HNSW ef ${r.lanceEf})` : ''}`).join(''),
  );
  for (const n of r.peers.notes ?? []) lines.push(`  note: ${n}`);
  return lines;
}
