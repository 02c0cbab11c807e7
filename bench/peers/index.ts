/**
 * In-process peer benchmarks: LanceDB and Orama on the same parts and queries as Quarry.
 *
 *   const report = await runPeers({ texts, titles, vectors }, queries, { k: 10, log: console.log });
 *
 * Per engine: build time (load + every index), p50/p99/mean latency per mode (lexical, vector,
 * hybrid; one query at a time, after a short warm-up, timed with process.hrtime.bigint()), the
 * recall@k of its vector search against the exact cosine top k, and the top-k part indices per
 * query and mode. Engines run one after the other; LanceDB's native code may use several threads
 * per query, Orama runs on the JS thread.
 */
import { tmpdir } from 'node:os';
import { runLanceDB } from './lancedb.js';
import { runOrama } from './orama.js';
import {
  exactTopK,
  meanRecall,
  type EngineContext,
  type EngineRun,
  type PeerCorpus,
  type PeerOptions,
  type PeerQuery,
  type PeerReport,
} from './types.js';

export { exactTopK } from './types.js';
export type { PeerCorpus, PeerOptions, PeerQuery, PeerReport, PeerTiming, PeerMode } from './types.js';

function validate(corpus: PeerCorpus, queries: PeerQuery[]): number {
  const n = corpus.texts.length;
  if (n === 0) throw new Error('runPeers: empty corpus');
  if (corpus.titles.length !== n || corpus.vectors.length !== n) {
    throw new Error(
      `runPeers: texts (${n}), titles (${corpus.titles.length}) and vectors (${corpus.vectors.length}) must have the same length`,
    );
  }
  const d = corpus.vectors[0]!.length;
  for (let i = 0; i < n; i++) {
    if (corpus.vectors[i]!.length !== d) throw new Error(`runPeers: vector ${i} has dimension ${corpus.vectors[i]!.length}, expected ${d}`);
  }
  for (let i = 0; i < queries.length; i++) {
    if (queries[i]!.vector.length !== d) throw new Error(`runPeers: query ${i} vector has dimension ${queries[i]!.vector.length}, expected ${d}`);
  }
  return d;
}

export async function runPeers(
  corpus: PeerCorpus,
  queries: PeerQuery[],
  options: PeerOptions = {},
): Promise<PeerReport> {
  validate(corpus, queries);
  const ctx: EngineContext = {
    k: options.k ?? 10,
    warmup: options.warmup ?? 10,
    workDir: options.workDir ?? tmpdir(),
    annMinRows: options.annMinRows ?? 10_000,
    lanceEf: options.lanceEf,
    log: options.log ?? (() => {}),
  };
  const engines = options.engines ?? ['lancedb', 'orama'];

  const truth = queries.map((q) => exactTopK(corpus, q.vector, ctx.k));

  const report: PeerReport = {
    build_seconds: {},
    timings: [],
    vector_recall_at_10: {},
    results: { 'exact:vector': truth },
    notes: [],
  };

  for (const engine of engines) {
    ctx.log(`${engine}: building…`);
    let run: EngineRun;
    try {
      run = engine === 'lancedb' ? await runLanceDB(corpus, queries, ctx) : await runOrama(corpus, queries, ctx);
    } catch (err) {
      const msg = `${engine}: failed: ${(err as Error).message.split('\n')[0]}`;
      ctx.log(msg);
      report.notes!.push(msg);
      continue;
    }
    report.build_seconds[engine] = run.build_seconds;
    report.timings.push(...run.timings);
    for (const [mode, lists] of Object.entries(run.results)) report.results![`${engine}:${mode}`] = lists;
    if (run.results.vector) report.vector_recall_at_10[engine] = Math.round(meanRecall(run.results.vector, truth) * 1e4) / 1e4;
    if (!run.results.hybrid && !run.notes.some((x) => x.includes('hybrid n/a'))) report.notes!.push(`${engine}: hybrid n/a`);
    report.notes!.push(...run.notes);
    for (const t of run.timings) {
      ctx.log(`${engine} ${t.mode}: p50 ${t.p50_ms} ms, p99 ${t.p99_ms} ms, mean ${t.mean_ms} ms over ${t.queries} queries`);
    }
  }
  if (ctx.k !== 10) report.notes!.push(`vector_recall_at_10 is recall@${ctx.k} (k = ${ctx.k})`);
  return report;
}
