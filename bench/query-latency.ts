/**
 * `npm run bench` section "query": query latency and throughput through the HTTP API, then the
 * same parts in-process against LanceDB and Orama (bench/query-inprocess.ts).
 *
 *  - one bench server (bench/server.ts) gets the generated set of bench/indexing.ts (100,000 parts
 *    by default, same seed, 100-part core documents) POSTed into corpus "bench" with
 *    httpRun from bench/indexing.ts; document i carries metadata { bucket: i % 10 }, so the
 *    filter `doc.bucket < 5` keeps half the parts;
 *  - autocannon, 16 connections, one run of `seconds` per case: lexical (λ=1), vector (λ=0) and
 *    the default hybrid, each without and with the filter; the bodies cycle through the manpages
 *    queries (a shared counter in setupRequest, so the connections together go round-robin);
 *    a short hybrid warm-up run comes first and is not reported;
 *  - then the server's SQLite file is copied (online backup, consistent under WAL) into a
 *    temporary directory, the server stops, and the in-process comparison runs on the copy.
 *
 * Targets: hybrid (no filter) p50 < 10 ms and p99 < 50 ms. autocannon and the server share the
 * machine's cores, so on a small machine the latencies include the load generator's competition.
 */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { INDEXING_DEFAULTS } from './indexing.js';
import { httpRun, type HttpRun } from './indexing-http.js';
import { generatedDocs, postedDocument, readManPages, type PostedDocument } from './indexing-data.js';
import { formatInProcess, runInProcess, type InProcessReport } from './query-inprocess.js';
import { awaitIndexesReady, startBenchServer, stopBenchServer, type BenchServerProcess } from './server-process.js';
import { round } from './measure.js';

const QUERIES = fileURLToPath(new URL('../../shared/datasets/manpages/queries.jsonl', import.meta.url));
const FILTER = 'doc.bucket < 5';
const BUCKETS = 10;
/** The seed bench/indexing.ts uses for its generated set, so both sections index the same parts. */
const GENERATED_SEED = 20_251_126;
const TARGET_P50_MS = 10;
const TARGET_P99_MS = 50;
const WARMUP_SECONDS = 3;

export interface QueryLatencyOptions {
  /** Parts in the generated set. */
  parts: number;
  /** Seconds of load per case. */
  seconds: number;
  connections: number;
  /** Indexing requests in flight. */
  indexConcurrency: number;
  /** Queries for the in-process comparison (0 skips it). */
  inProcessQueries: number;
  /** LanceDB HNSW search ef. */
  lanceEf: number;
  /** Queries Orama gets in the in-process comparison (its queries take seconds at 100k parts). */
  oramaQueries: number;
}

export const QUERY_LATENCY_DEFAULTS: QueryLatencyOptions = {
  parts: 100_000,
  seconds: 10,
  connections: 16,
  indexConcurrency: INDEXING_DEFAULTS.concurrency,
  inProcessQueries: 200,
  // LanceDB's default ef (1.5 × limit) gives poor recall at 100k parts; 100 is a common setting.
  lanceEf: 100,
  oramaQueries: 20,
};

type Mode = 'lexical' | 'vector' | 'hybrid';
const LAMBDA: Record<Mode, number | undefined> = { lexical: 1, vector: 0, hybrid: undefined };

export interface LoadCase {
  mode: Mode;
  filter: string | null;
  requests: number;
  rps: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface QueryLatencyReport {
  settings: QueryLatencyOptions & { filter: string; queryTexts: number };
  indexing: Pick<HttpRun, 'documentsIndexed' | 'parts' | 'seconds' | 'partsPerSecond' | 'failures' | 'failureExamples'>;
  /** Seconds the server took to build its in-memory indexes after indexing (before any load). */
  indexesReadySeconds: number;
  sanity: string[];
  cases: LoadCase[];
  target: string;
  pass: boolean;
  inProcess?: InProcessReport;
  inProcessError?: string;
  totalSeconds: number;
}


function readQueries(): string[] {
  return readFileSync(QUERIES, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { query: string }).query);
}

const searchOf = (mode: Mode, filter: string | null) => ({
  limit: 10,
  ...(LAMBDA[mode] === undefined ? {} : { lexical_interpolation: LAMBDA[mode] }),
  ...(filter ? { metadata_filter: filter } : {}),
});

/** The generated set of bench/indexing.ts, document i tagged with bucket i % 10. */
function documentBodies(parts: number): PostedDocument[] {
  const docs = generatedDocs(readManPages(), parts, INDEXING_DEFAULTS.partsPerDocument, GENERATED_SEED, 'gen-');
  return docs.map((d, i) => postedDocument({ ...d, metadata: { bucket: i % BUCKETS } }));
}

/** One query per case through fetch: 200, ten results, and the filter honoured. */
async function sanity(base: string, key: string, corpus: string, query: string): Promise<string[]> {
  const problems: string[] = [];
  for (const mode of Object.keys(LAMBDA) as Mode[]) {
    for (const filter of [null, FILTER]) {
      const res = await fetch(`${base}/v2/corpora/${corpus}/query`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ query, search: searchOf(mode, filter) }),
      });
      const body = (await res.json()) as { search_results?: Array<{ document_metadata: { bucket?: number } }> };
      const results = body.search_results ?? [];
      const what = `${mode}${filter ? ' + filter' : ''}`;
      if (res.status !== 200) problems.push(`${what}: status ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      else if (results.length === 0) problems.push(`${what}: no results`);
      else if (filter && results.some((r) => !((r.document_metadata.bucket ?? BUCKETS) < 5))) problems.push(`${what}: a result outside the filter`);
    }
  }
  return problems;
}

async function load(base: string, key: string, corpus: string, queries: string[], mode: Mode, filter: string | null, seconds: number, connections: number): Promise<LoadCase> {
  const search = searchOf(mode, filter);
  const bodies = queries.map((query) => JSON.stringify({ query, search }));
  let next = 0;
  const r = await autocannon({
    url: `${base}/v2/corpora/${corpus}/query`,
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    connections,
    duration: seconds,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }],
  });
  return {
    mode,
    filter,
    requests: r.requests.total,
    rps: round(r['2xx'] / r.duration, 1),
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMeanMs: round(r.latency.average, 2),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

/** A consistent copy of the server's data directory, taken while it runs (SQLite online backup). */
async function snapshot(dataDir: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-query-bench-'));
  // Everything but the database (e.g. the master key), then the database through the backup API.
  cpSync(dataDir, dir, { recursive: true, filter: (src) => !/quarry\.db(-wal|-shm)?$/.test(src) });
  const db = new Database(join(dataDir, 'quarry.db'), { readonly: true, fileMustExist: true });
  try {
    await db.backup(join(dir, 'quarry.db'));
  } finally {
    db.close();
  }
  return dir;
}

export async function runQueryLatency(options: QueryLatencyOptions, log: (line: string) => void): Promise<QueryLatencyReport> {
  const t0 = performance.now();
  const queries = readQueries();
  log(`query: preparing ${options.parts} generated parts...`);
  const bodies = documentBodies(options.parts);
  let server: BenchServerProcess | undefined = await startBenchServer(['--import', 'tsx', 'bench/server.ts', '--exit-with-stdin'], 'query bench server');
  let copy: string | undefined;
  try {
    const { port, queryKey, corpusKey, dataDir } = server.info;
    const base = `http://127.0.0.1:${port}`;
    log(`query: indexing ${bodies.length} documents, ${options.indexConcurrency} in flight...`);
    // No time budget: the whole set must be in.
    const indexed = await httpRun(server, corpusKey, bodies, options.indexConcurrency, 24 * 3600);
    if (Object.keys(indexed.failures).length) throw new Error(`indexing failed: ${indexed.failureExamples.join(' | ')}`);
    log(`query: indexed ${indexed.parts} parts in ${indexed.seconds} s`);
    const readyMs = await awaitIndexesReady(server, corpusKey);
    log(`query: in-memory indexes (postings, vectors, HNSW graph) built in ${round(readyMs / 1000, 1)} s`);

    const problems = await sanity(base, queryKey, corpusKey, queries[0]!);
    if (problems.length) log(`query: sanity problems: ${problems.join('; ')}`);
    await load(base, queryKey, corpusKey, queries, 'hybrid', null, WARMUP_SECONDS, options.connections);
    const cases: LoadCase[] = [];
    for (const mode of ['lexical', 'vector', 'hybrid'] as const) {
      for (const filter of [null, FILTER]) {
        const c = await load(base, queryKey, corpusKey, queries, mode, filter, options.seconds, options.connections);
        cases.push(c);
        log(`query: ${mode}${filter ? ' + filter' : ''}: ${c.rps} req/s, p50 ${c.latencyP50Ms} ms, p99 ${c.latencyP99Ms} ms`);
      }
    }
    const hybrid = cases.find((c) => c.mode === 'hybrid' && c.filter === null)!;
    const clean = cases.every((c) => c.non2xx === 0 && c.errors === 0 && c.requests > 0);

    let inProcess: InProcessReport | undefined;
    let inProcessError: string | undefined;
    if (options.inProcessQueries > 0) {
      copy = await snapshot(dataDir);
      await stopBenchServer(server.child, 5_000);
      server = undefined;
      try {
        inProcess = await runInProcess(copy, queries.slice(0, options.inProcessQueries), { corpusKey, lanceEf: options.lanceEf, oramaQueries: options.oramaQueries, log });
      } catch (err) {
        // The HTTP figures stand on their own; report the failure beside them.
        inProcessError = err instanceof Error ? (err.stack ?? err.message) : String(err);
        log(`query: in-process comparison failed: ${inProcessError}`);
      }
    }
    return {
      settings: { ...options, filter: FILTER, queryTexts: queries.length },
      indexing: {
        documentsIndexed: indexed.documentsIndexed,
        parts: indexed.parts,
        seconds: indexed.seconds,
        partsPerSecond: indexed.partsPerSecond,
        failures: indexed.failures,
        failureExamples: indexed.failureExamples,
      },
      indexesReadySeconds: round(readyMs / 1000, 1),
      sanity: problems,
      cases,
      target: `hybrid p50 < ${TARGET_P50_MS} ms and p99 < ${TARGET_P99_MS} ms at ${options.connections} connections`,
      pass: clean && problems.length === 0 && hybrid.latencyP50Ms < TARGET_P50_MS && hybrid.latencyP99Ms < TARGET_P99_MS,
      ...(inProcess ? { inProcess } : {}),
      ...(inProcessError ? { inProcessError } : {}),
      totalSeconds: round((performance.now() - t0) / 1000, 1),
    };
  } catch (err) {
    if (server?.stderr()) log(`query: server stderr:\n${server.stderr()}`);
    throw err;
  } finally {
    if (server) await stopBenchServer(server.child, 5_000);
    if (copy) rmSync(copy, { recursive: true, force: true });
  }
}

export function formatQueryLatency(r: QueryLatencyReport): string[] {
  const s = r.settings;
  const lines = [
    `Query latency (POST /v2/corpora/bench/query, limit 10, ${s.connections} connections, ${s.seconds} s per case, ` +
      `${s.queryTexts} manpages queries round-robin)`,
    `  ${r.indexing.parts} generated parts in ${r.indexing.documentsIndexed} documents, indexed in ${r.indexing.seconds} s ` +
      `(${r.indexing.partsPerSecond} parts/s); filter: ${s.filter} (half the documents)`,
    `  in-memory indexes (postings, vectors, HNSW graph) ready ${r.indexesReadySeconds} s after indexing`,
    ...(r.sanity.length ? [`  sanity problems: ${r.sanity.join('; ')}`] : []),
    '  case                  req/s      p50 ms   p99 ms   mean ms',
  ];
  for (const c of r.cases) {
    const name = `${c.mode}${c.filter ? ' + filter' : ''}`;
    const bad = c.non2xx || c.errors || c.timeouts ? `   (non-2xx ${c.non2xx}, errors ${c.errors}, timeouts ${c.timeouts})` : '';
    lines.push(
      `  ${name.padEnd(20)} ${String(c.rps).padStart(7)}   ${String(c.latencyP50Ms).padStart(7)}  ${String(c.latencyP99Ms).padStart(7)}  ${String(c.latencyMeanMs).padStart(8)}${bad}`,
    );
  }
  lines.push(`  target: ${r.target}  ${r.pass ? 'PASS' : 'MISS'}`);
  if (r.inProcess) lines.push('', ...formatInProcess(r.inProcess));
  if (r.inProcessError) lines.push('', `  in-process comparison failed: ${r.inProcessError.split('\n')[0]}`);
  lines.push(`  query section took ${r.totalSeconds} s`);
  return lines;
}
