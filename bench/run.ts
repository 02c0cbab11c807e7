/**
 * `npm run bench`: the benchmark sections, their options, and the one report they make.
 *
 * The section "auth" (bench/auth.ts) measures what the authentication and policy hooks cost, and
 * whether key revocation takes effect on the very next request.
 * Two Quarry servers run in their own processes (bench/server.ts), both on 127.0.0.1: one with the
 * hooks ON (a zqt_ QueryService key in x-api-key), one with them OFF (unsafeDisableAuth, no key).
 * autocannon runs here, in a third process, against one route, GET /v2/corpora/bench (getCorpus).
 * Machines are shared and noisy, and on 2 cores the load generator competes with the server, so
 * the verdict is on the server's own CPU time per request (from /proc), ON against OFF; the
 * throughput ratios (of medians, and of each side's least disturbed round) are shown beside it.
 * Rounds are interleaved ON, OFF, OFF, ON, ON, OFF, … so that drift hits both sides alike.
 *
 * The section "indexing" (bench/indexing.ts) measures indexing throughput through the HTTP API
 * against the encoder alone, and the server's peak memory.
 *
 * The section "quality" (bench/quality.ts) measures ranking quality (nDCG@10, MRR@10, recall@10)
 * on the manpages known-item set through the HTTP API, per retrieval configuration.
 *
 * The section "query" (bench/query-latency.ts) indexes the generated set (100,000 parts) into one
 * server and loads POST /v2/corpora/bench/query with autocannon (16 connections): lexical, vector
 * and hybrid, each without and with a metadata filter, p50/p99 latency and requests/s; then, on a
 * copy of that server's database, times Quarry's query service in-process against LanceDB and
 * Orama (bench/query-inprocess.ts, bench/peers) and checks our vector recall@10 against exact.
 *
 * The section "upload" (bench/upload.ts) uploads real files of every format the server reads over
 * HTTP (MB/s and documents/s per format) and measures the server's peak RSS while it takes a PDF
 * just under the 10 MiB limit (target: under 4x the file size above idle).
 *
 * The section "fcs" (bench/fcs.ts) measures the built-in factual-consistency scorer's ROC AUC on a
 * labelled set built from the manpages (bench/fcs-dataset.ts), overall and per kind of corruption.
 *
 * The section "generation" (bench/generation-stream.ts) streams RAG answers of the built-in
 * extractive summariser over HTTP and times, client side, the first generation_chunk after the
 * search_results event (target: 50 ms).
 *
 * The bench reports; it does not fail the process when a target is missed.
 * Options (all optional): --only auth|indexing|quality|query|upload|fcs|generation --warmup S --duration S --rounds N
 * --connections N --revocations N --index-parts N --index-concurrency N --index-budget S --cpu-prof
 * (indexing servers under node --cpu-prof, profiles in bench/results/profiles/, summary in the
 * report) --quality-queries N (default all) --query-seconds S (default 10) --query-parts N
 * (default 100000) --upload-files N (files per format, default 10) --upload-mb N (MB per format,
 * default 2)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatAuth, runAuth, stopAuthServers } from './auth.js';
import { round } from './measure.js';
import { FCS_DEFAULTS, formatFcs, runFcsBench, type FcsReport } from './fcs.js';
import { formatGenerationStream, runGenerationStream, type GenerationStreamReport } from './generation-stream.js';
import { formatIndexing, INDEXING_DEFAULTS, runIndexing, type IndexingReport } from './indexing.js';
import { formatQuality, runQuality, type QualityReport } from './quality.js';
import { formatQueryLatency, QUERY_LATENCY_DEFAULTS, runQueryLatency, type QueryLatencyReport } from './query-latency.js';
import { formatUpload, runUpload, UPLOAD_DEFAULTS, type UploadReport } from './upload.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');

const { values: argv } = parseArgs({
  options: {
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    revocations: { type: 'string', default: '200' },
    only: { type: 'string' },
    'index-parts': { type: 'string', default: String(INDEXING_DEFAULTS.generatedParts) },
    'index-concurrency': { type: 'string', default: String(INDEXING_DEFAULTS.concurrency) },
    'index-budget': { type: 'string', default: String(INDEXING_DEFAULTS.budgetSeconds) },
    'cpu-prof': { type: 'boolean', default: false },
    'quality-queries': { type: 'string' },
    'query-seconds': { type: 'string', default: String(QUERY_LATENCY_DEFAULTS.seconds) },
    'query-parts': { type: 'string', default: String(QUERY_LATENCY_DEFAULTS.parts) },
    'upload-files': { type: 'string', default: String(UPLOAD_DEFAULTS.filesPerFormat) },
    'upload-mb': { type: 'string', default: String(UPLOAD_DEFAULTS.megabytesPerFormat) },
  },
  strict: true,
});

function bounded(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

const SETTINGS = {
  warmupSeconds: bounded('warmup', argv.warmup, 0, 10),
  roundSeconds: bounded('duration', argv.duration, 1, 10),
  rounds: bounded('rounds', argv.rounds, 1, 10),
  connections: bounded('connections', argv.connections, 1, 256),
  revocationTrials: bounded('revocations', argv.revocations, 1, 1000),
};

const SECTIONS = ['auth', 'indexing', 'quality', 'query', 'upload', 'fcs', 'generation'] as const;
if (argv.only !== undefined && !(SECTIONS as readonly string[]).includes(argv.only)) {
  throw new Error(`--only must be one of: ${SECTIONS.join(', ')}`);
}
const runs = (section: (typeof SECTIONS)[number]) => argv.only === undefined || argv.only === section;
const INDEXING = {
  ...INDEXING_DEFAULTS,
  generatedParts: bounded('index-parts', argv['index-parts'], 100, 1_000_000),
  concurrency: bounded('index-concurrency', argv['index-concurrency'], 1, 64),
  budgetSeconds: bounded('index-budget', argv['index-budget'], 5, 1800),
  cpuProfile: argv['cpu-prof'] ?? false,
};
/** undefined: every query of the set. */
const QUALITY_QUERIES = argv['quality-queries'] === undefined ? undefined : bounded('quality-queries', argv['quality-queries'], 1, 1_000_000);
const QUERY = {
  ...QUERY_LATENCY_DEFAULTS,
  seconds: bounded('query-seconds', argv['query-seconds'], 1, 600),
  parts: bounded('query-parts', argv['query-parts'], 100, 1_000_000),
};
const UPLOAD = {
  ...UPLOAD_DEFAULTS,
  filesPerFormat: bounded('upload-files', argv['upload-files'], 1, 1000),
  megabytesPerFormat: bounded('upload-mb', argv['upload-mb'], 1, 100),
};
const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Report

function formatReport(report: Awaited<ReturnType<typeof runAll>>): string {
  return [
    '',
    'Quarry benchmark',
    `  ${report.startedAt}  node ${report.environment.node}  ${report.environment.cpus} CPUs  load ${report.environment.loadAverageBefore.join(' ')}`,
    ...(report.sanity && report.throughput && report.revocation
      ? formatAuth({ settings: SETTINGS, sanity: report.sanity, throughput: report.throughput, revocation: report.revocation })
      : []),
    ...(report.indexing ? ['', ...formatIndexing(report.indexing)] : []),
    ...(report.quality ? ['', ...formatQuality(report.quality)] : []),
    ...(report.query ? ['', ...formatQueryLatency(report.query)] : []),
    ...(report.upload ? ['', ...formatUpload(report.upload)] : []),
    ...(report.fcs ? ['', ...formatFcs(report.fcs)] : []),
    ...(report.generation ? ['', ...formatGenerationStream(report.generation)] : []),
    '',
    `Total ${report.totalSeconds} s. JSON: bench/results/latest.json`,
    '',
  ].join('\n');
}

async function runAll() {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const loadAverageBefore = loadavg().map((x) => round(x, 2));
  const auth = runs('auth') ? await runAuth(SETTINGS) : undefined;
  const indexing: IndexingReport | undefined = runs('indexing')
    ? await runIndexing({ ...INDEXING, log })
    : undefined;
  const quality: QualityReport | undefined = runs('quality')
    ? await runQuality(log, QUALITY_QUERIES === undefined ? {} : { queries: QUALITY_QUERIES })
    : undefined;
  const query: QueryLatencyReport | undefined = runs('query') ? await runQueryLatency(QUERY, log) : undefined;
  const upload: UploadReport | undefined = runs('upload') ? await runUpload(UPLOAD, log) : undefined;
  const fcs: FcsReport | undefined = runs('fcs') ? await runFcsBench(FCS_DEFAULTS, log) : undefined;
  const generation: GenerationStreamReport | undefined = runs('generation') ? await runGenerationStream(log) : undefined;
  return {
    startedAt,
    totalSeconds: round((performance.now() - t0) / 1000, 1),
    environment: {
      node: process.version,
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      loadAverageBefore,
      loadAverageAfter: loadavg().map((x) => round(x, 2)),
    },
    settings: { only: argv.only ?? 'all', ...SETTINGS, indexing: INDEXING, qualityQueries: QUALITY_QUERIES ?? 'all', query: QUERY, upload: UPLOAD },
    ...(auth ? { sanity: auth.sanity, throughput: auth.throughput, revocation: auth.revocation } : {}),
    ...(indexing ? { indexing } : {}),
    ...(quality ? { quality } : {}),
    ...(query ? { query } : {}),
    ...(upload ? { upload } : {}),
    ...(fcs ? { fcs } : {}),
    ...(generation ? { generation } : {}),
  };
}

try {
  const report = await runAll();
  process.stdout.write(formatReport(report));
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stopAuthServers((label, stderr) => process.stderr.write(`server ${label} stderr:\n${stderr}\n`));
  process.exitCode = 1;
} finally {
  await stopAuthServers();
}
