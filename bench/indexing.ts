/**
 * `npm run bench` section "indexing": indexing throughput through the HTTP API, next to the raw
 * throughput of the encoder alone, measured in the same run.
 *
 * Two sets of documents:
 *  - manpages: the 1,022 documents of ../shared/datasets/manpages/, each POSTed as a structured
 *    document (title + one section, sentence chunking), so the server makes the parts;
 *  - generated: core documents of 100 parts each (1–3 consecutive sentences of a manpage per
 *    part, from a seeded generator), 100,000 parts by default.
 *
 * For each set:
 *  - a fresh Quarry server in its own process (bench/server.ts on 127.0.0.1, fresh data directory)
 *    is warmed up with 3,000+ requests in a corpus of their own (every manpage three times and
 *    5,000 generated parts, under other ids: loads the word vectors and the language model, and
 *    compiles the whole path);
 *  - the encoder alone: createEncoder({ type: 'builtin', name: 'quarry-static-glove-100d' }) in
 *    this process embeds the very part texts the server will index (normalizeDocument, the
 *    server's own function, gives them), one document's parts per call as the server batches
 *    them: once to warm up, then once before and once after the HTTP run; its rate is parts /
 *    seconds over those two passes;
 *  - HTTP: every document is POSTed to /v2/corpora/{key}/documents with a fixed number of
 *    requests in flight (bodies serialised beforehand); parts are those of the documents answered 201;
 *    the rate is parts / wall seconds from the first request to the last response; the corpus's
 *    used_parts must equal the set's parts at the end;
 *  - the server's peak resident set (VmHWM in /proc/<pid>/status) and current RSS at the end.
 *
 *  - the transport floor: the same documents, client and concurrency against
 *    bench/transport-floor-server.ts (parses and answers, nothing more), warmed up on the set.
 *
 * Targets: HTTP keeps at least 80% of the encoder's rate (each set), and the server's peak memory
 * stays under 1 GiB for the generated 100,000 parts. The verdict is on parts per wall second, as
 * the target is stated; parts per CPU-second (this process's CPU time for the encoder, the server
 * process's from /proc for HTTP) are shown beside it: steadier on a shared machine, and their
 * ratio is the share of the server's CPU time that embedding takes. The server's main thread's
 * CPU time and this process's (the client's, on the same cores) are shown too: a main thread busy
 * for nearly the whole run is what bounds the HTTP rate. The HTTP run of the generated
 * set stops sending new documents after `budgetSeconds`; the report then says how far it got and
 * extrapolates, and the memory target is not judged (it needs the whole set).
 *
 * With `cpuProfile`, the servers run under `node --cpu-prof` (profiles in bench/results/profiles/)
 * and the report adds where the server spent its time; the rates are then a little pessimistic.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createEncoder } from '../src/providers/encoders/registry.js';
import type { Encoder } from '../src/providers/encoders/types.js';
import { formatProfile, summarizeProfile, type ProfileSummary } from './cpuprofile.js';
import { expect, httpRun, poolTo, PROFILE_DIR, send, startServer, startTransportFloor, stopServer, type HttpRun } from './indexing-http.js';
import { ceiling, storagePass, type Ceiling, type StoragePass } from './indexing-ceiling.js';
import { cpuSeconds, memoryOf, round } from './measure.js';
import { generatedDocs, MANPAGES, manPageBody, postedDocument, readManPages, workSet, type PostedDocument, type WorkSet } from './indexing-data.js';

const ENCODER_NAME = 'quarry-static-glove-100d';
const RATIO_TARGET = 0.8;
const MEMORY_TARGET_BYTES = 1024 ** 3;
/** Requests that warm a server up (manpages under other ids, in a corpus of their own). */
const WARMUP_REQUESTS = 3_000;
/** Generated parts among each server's warm-up documents, besides the manpages. */
const WARMUP_GENERATED_PARTS = 5_000;

export interface IndexingOptions {
  /** Parts in the generated set. */
  generatedParts: number;
  /** Parts per generated core document. */
  partsPerDocument: number;
  /** Requests in flight during the HTTP runs. */
  concurrency: number;
  /** The generated set's HTTP run sends no new document after this many seconds. */
  budgetSeconds: number;
  /** Run the servers under node --cpu-prof and summarise the profiles. */
  cpuProfile: boolean;
  log?: (line: string) => void;
}

export const INDEXING_DEFAULTS: Omit<IndexingOptions, 'log'> = {
  generatedParts: 100_000,
  partsPerDocument: 100,
  concurrency: 4,
  budgetSeconds: 150,
  cpuProfile: false,
};

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Encoder alone

interface EncoderPass {
  parts: number;
  seconds: number;
  /** This process's CPU time (user + system) over the pass. */
  cpuSeconds: number;
  partsPerSecond: number;
  partsPerCpuSecond: number;
  /** CPU time the (idle) server process used meanwhile: should be about 0. */
  serverCpuSeconds: number;
}

async function encoderPass(encoder: Encoder, batches: string[][], serverPid: number): Promise<EncoderPass> {
  let parts = 0;
  let checksum = 0;
  const server0 = cpuSeconds(serverPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches) {
    const vectors = await encoder.embed(batch, 'document');
    parts += vectors.length;
    checksum += vectors[0]?.[0] ?? 0; // keep the results observably used
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const used = (cpu.user + cpu.system) / 1e6;
  const serverUsed = cpuSeconds(serverPid) - server0;
  if (!Number.isFinite(checksum)) throw new Error('the encoder returned non-finite values');
  return {
    parts,
    seconds: round(seconds, 3),
    cpuSeconds: round(used, 3),
    partsPerSecond: round(parts / seconds, 1),
    partsPerCpuSecond: round(parts / Math.max(used, 0.001), 1),
    serverCpuSeconds: round(serverUsed, 2),
  };
}

// ---------------------------------------------------------------------------------------------
// One set: fresh server, warm-up, encoder / HTTP / encoder, memory

export interface SetResult {
  name: WorkSet['name'];
  description: string;
  documents: number;
  /** Parts the set holds (from the server's own normalisation, run here). */
  expectedParts: number;
  encoder: { passes: EncoderPass[]; partsPerSecond: number; partsPerCpuSecond: number };
  http: HttpRun;
  /** used_parts of the corpus after the run, as GET /v2/corpora/{key} reports it. */
  corpusUsedParts: number | null;
  /** The verdict's figure: HTTP parts per wall second divided by the encoder's parts per wall second. */
  ratio: number;
  /**
   * The same documents, client and concurrency against a server that only parses each body and
   * answers 201 (bench/transport-floor-server.ts), and its parts/s over the encoder's: no server
   * doing any indexing work can beat this ratio on this machine.
   */
  transportFloor: { http: HttpRun; ratio: number };
  /** The same documents written through the SQLite repository alone (bench/indexing-ceiling.ts). */
  storage: StoragePass;
  /** The best ratio the encoder, transport and storage costs leave on this machine's cores. */
  ceiling: Ceiling;
  /**
   * The server's parts per CPU-second over the HTTP run divided by the encoder's parts per
   * CPU-second: the share of the server's CPU time that embedding takes. Steadier than the wall
   * ratio on a shared machine (other tenants take the cores, not the CPU time), but blind to work
   * spread over threads; shown beside the verdict.
   */
  cpuRatio: number;
  memory: { peakRssBytes: number; rssBytes: number; peakRssMiB: number; rssMiB: number };
  complete: boolean;
  ratioPass: boolean;
  seconds: number;
  profile?: ProfileSummary;
}

async function measureSet(set: WorkSet, warmup: PostedDocument[], encoder: Encoder, options: IndexingOptions): Promise<SetResult> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const server = await startServer(options.cpuProfile);
  const { port, pid, ownerKey } = server.info;
  const setup = poolTo(port, 1);
  try {
    for (const key of ['idx-warmup', set.corpus]) {
      await expect(send(setup, 'POST', '/v2/corpora', ownerKey, Buffer.from(JSON.stringify({ key }))), 201, `create corpus ${key}`);
    }
    log(`  ${set.name}: warming the server up with ${warmup.length} documents...`);
    const warm = await httpRun(server, 'idx-warmup', warmup, options.concurrency, 600);
    if (Object.keys(warm.failures).length > 0) throw new Error(`warm-up failed: ${warm.failureExamples.join(' | ')}`);

    log(`  ${set.name}: encoder alone, ${set.parts} parts...`);
    await encoderPass(encoder, set.batches, pid); // warm-up, not counted: these very texts, as the server had its own
    const before = await encoderPass(encoder, set.batches, pid);
    log(`  ${set.name}: HTTP, ${set.documents.length} documents, ${options.concurrency} in flight...`);
    const budget = set.name === 'generated' ? options.budgetSeconds : Math.max(options.budgetSeconds, 600);
    const windowStartUs = Number(process.hrtime.bigint() / 1000n);
    const http = await httpRun(server, set.corpus, set.documents, options.concurrency, budget);
    const window = { startUs: windowStartUs, endUs: Number(process.hrtime.bigint() / 1000n) };
    log(`  ${set.name}: encoder alone again...`);
    const after = await encoderPass(encoder, set.batches, pid);
    const memory = memoryOf(pid);
    const corpus = await expect(send(setup, 'GET', `/v2/corpora/${set.corpus}`, ownerKey), 200, 'get corpus').catch((err: unknown) => {
      log(`  ${set.name}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });

    const encoderRate = (before.parts + after.parts) / (before.seconds + after.seconds);
    const encoderCpuRate = (before.parts + after.parts) / Math.max(before.cpuSeconds + after.cpuSeconds, 0.001);
    const ratio = http.partsPerSecond / encoderRate;
    const cpuRatio = http.partsPerServerCpuSecond / encoderCpuRate;
    const corpusUsedParts = (corpus?.limits?.used_parts as number | undefined) ?? null;
    // Whole only if the server holds every part: the create answers do not list them.
    const complete = !http.stoppedEarly && http.documentsIndexed === set.documents.length && http.parts === set.parts && corpusUsedParts === set.parts;
    await setup.close();
    await stopServer(server, options.cpuProfile ? 30_000 : 5_000);
    let profile: ProfileSummary | undefined;
    if (options.cpuProfile) {
      const file = existsSync(PROFILE_DIR)
        ? readdirSync(PROFILE_DIR).find((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile')) // thread 0: the main thread
        : undefined;
      if (file) profile = summarizeProfile(join(PROFILE_DIR, file), 15, window);
      else log(`  ${set.name}: no CPU profile found for server pid ${pid}`);
    }
    // Once this server has stopped: the floor and the storage pass have the cores to themselves.
    log(`  ${set.name}: the same documents against the transport floor...`);
    const floor = await transportFloorRun(set, options.concurrency, budget);
    log(`  ${set.name}: the same documents into SQLite alone...`);
    const storage = await storagePass(set, options.concurrency);
    return {
      name: set.name,
      description: set.description,
      documents: set.documents.length,
      expectedParts: set.parts,
      encoder: { passes: [before, after], partsPerSecond: round(encoderRate, 1), partsPerCpuSecond: round(encoderCpuRate, 1) },
      http,
      corpusUsedParts,
      ratio: round(ratio, 3),
      transportFloor: { http: floor, ratio: round(floor.partsPerSecond / encoderRate, 3) },
      storage,
      ceiling: ceiling(availableParallelism(), encoderCpuRate, floor.serverCpuSeconds + floor.clientCpuSeconds, floor.parts, storage),
      cpuRatio: round(cpuRatio, 3),
      memory: { ...memory, peakRssMiB: round(memory.peakRssBytes / MiB, 1), rssMiB: round(memory.rssBytes / MiB, 1) },
      complete,
      ratioPass: http.documentsIndexed > 0 && Object.keys(http.failures).length === 0 && ratio >= RATIO_TARGET,
      seconds: round((performance.now() - t0) / 1000, 1),
      ...(profile ? { profile } : {}),
    };
  } catch (err) {
    if (server.stderr()) log(`  server stderr:\n${server.stderr()}`);
    throw err;
  } finally {
    await setup.destroy().catch(() => undefined);
    await stopServer(server, 5_000);
  }
}

async function transportFloorRun(set: WorkSet, concurrency: number, budgetSeconds: number): Promise<HttpRun> {
  const floor = await startTransportFloor();
  try {
    // Warmed up on the set first (it stores nothing), for at least as many requests as Quarry's
    // warm-up: its figure is then that of a compiled server, a safe upper bound.
    for (let sent = 0; sent < WARMUP_REQUESTS; sent += set.documents.length) await httpRun(floor, set.corpus, set.documents, concurrency, budgetSeconds);
    return await httpRun(floor, set.corpus, set.documents, concurrency, budgetSeconds);
  } finally {
    await stopServer(floor, 5_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Section entry points

export async function runIndexing(options: IndexingOptions) {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  if (!existsSync(MANPAGES)) {
    return { skipped: `dataset not found: ../shared/datasets/manpages/docs.jsonl (relative to the project)` } as const;
  }
  log('indexing: preparing documents...');
  const pages = readManPages();
  const manpages = workSet(
    'manpages',
    `${pages.length} manpages as structured documents (title + one section, sentence chunking)`,
    'idx-manpages',
    pages.map((p) => manPageBody(p)),
  );
  const generated = workSet(
    'generated',
    `core documents of ${options.partsPerDocument} parts (1–3 manpage sentences each)`,
    'idx-generated',
    generatedDocs(pages, options.generatedParts, options.partsPerDocument, 20_251_126, 'gen-'),
  );
  // Warm-up documents for each fresh server, in a corpus of their own: both kinds, under their own
  // ids, enough for the JIT to compile the whole path. A bare server on this machine took about
  // 3,000 requests to reach its rate: its first thousand ran at a sixth of it.
  const warmup = [
    ...Array.from({ length: Math.ceil(WARMUP_REQUESTS / pages.length) }, (_, round) => pages.map((p, i) => manPageBody(p, `warm-${round}-${i}`))).flat(),
    ...generatedDocs(pages, WARMUP_GENERATED_PARTS, options.partsPerDocument, 7, 'warm-gen-'),
  ].map(postedDocument);
  const prepareSeconds = round((performance.now() - t0) / 1000, 1);

  const encoder = createEncoder({ type: 'builtin', name: ENCODER_NAME });
  const tLoad = performance.now();
  await encoder.embed(['load the word vectors'], 'document');
  const encoderLoadSeconds = round((performance.now() - tLoad) / 1000, 2);

  const sets: SetResult[] = [];
  for (const set of [manpages, generated]) sets.push(await measureSet(set, warmup, encoder, options));
  const gen = sets[1]!;
  const memoryPass = gen.complete && gen.memory.peakRssBytes < MEMORY_TARGET_BYTES;
  return {
    settings: {
      encoder: ENCODER_NAME,
      concurrency: options.concurrency,
      generatedParts: options.generatedParts,
      partsPerDocument: options.partsPerDocument,
      budgetSeconds: options.budgetSeconds,
      warmupDocuments: warmup.length,
      cpuProfile: options.cpuProfile,
    },
    prepareSeconds,
    encoderLoadSeconds,
    sets,
    ratioTarget: `HTTP parts/s at least ${RATIO_TARGET * 100}% of the encoder's own parts/s (each set)`,
    ratioPass: sets.every((s) => s.ratioPass),
    memoryTarget: `server peak RSS under 1 GiB for ${options.generatedParts} generated parts`,
    memoryJudged: gen.complete,
    memoryPass,
    pass: sets.every((s) => s.ratioPass) && memoryPass,
    totalSeconds: round((performance.now() - t0) / 1000, 1),
  };
}

export type IndexingReport = Awaited<ReturnType<typeof runIndexing>>;

export function formatIndexing(r: IndexingReport): string[] {
  if ('skipped' in r) return ['Indexing throughput', `  skipped: ${r.skipped}`];
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const lines = [
    `Indexing throughput (POST /v2/corpora/{key}/documents, ${r.settings.concurrency} in flight; ` +
      `encoder ${r.settings.encoder} alone in the bench process, one document's parts per call)`,
    `  prepared in ${r.prepareSeconds} s; word vectors loaded in ${r.encoderLoadSeconds} s; ` +
      `each server warmed up with ${r.settings.warmupDocuments} documents first` +
      (r.settings.cpuProfile ? '; servers under --cpu-prof (rates a little low)' : ''),
  ];
  for (const s of r.sets) {
    const h = s.http;
    const counted =
      s.complete
        ? `${h.parts} parts`
        : `${h.parts} of ${s.expectedParts} parts, ${h.documentsIndexed} of ${s.documents} documents` +
          (h.stoppedEarly ? ` (budget of ${r.settings.budgetSeconds} s reached; all ${s.expectedParts} would take ~${round(s.expectedParts / h.partsPerSecond, 0)} s)` : '');
    lines.push(
      '',
      `  ${s.name}: ${s.description}: ${s.documents} documents, ${s.expectedParts} parts (${s.seconds} s)`,
      `    encoder alone       ${String(s.encoder.partsPerSecond).padStart(9)} parts/s   ${String(s.encoder.partsPerCpuSecond).padStart(9)} parts/CPU-s   ` +
        `(passes before / after the HTTP run: ${s.encoder.passes.map((p) => p.partsPerSecond).join(' / ')} parts/s)`,
      `    HTTP                ${String(h.partsPerSecond).padStart(9)} parts/s   ${String(h.partsPerServerCpuSecond).padStart(9)} parts/CPU-s   ` +
        `${counted} in ${h.seconds} s, ${h.documentsPerSecond} docs/s, p50 ${h.latencyP50Ms} ms, p99 ${h.latencyP99Ms} ms`,
      `    CPU over the run    server ${h.serverCpuSeconds} s (main thread ${h.serverMainThreadCpuSeconds} s, ` +
        `${round((100 * h.serverMainThreadCpuSeconds) / h.seconds, 0)}% of the wall time; other threads ` +
        `${round(h.serverCpuSeconds - h.serverMainThreadCpuSeconds, 2)} s), client ${h.clientCpuSeconds} s`,
      `    corpus used_parts   ${s.corpusUsedParts ?? 'n/a'}` +
        (Object.keys(h.failures).length ? `   failures ${JSON.stringify(h.failures)} e.g. ${h.failureExamples.join(' | ')}` : ''),
      `    server memory       peak RSS (VmHWM) ${s.memory.peakRssMiB} MiB, RSS at the end ${s.memory.rssMiB} MiB`,
      `    ratio HTTP/encoder  ${s.ratio} (parts/s over parts/s)   target >= ${RATIO_TARGET}  ${verdict(s.ratioPass)}`,
      `                        ${s.cpuRatio} per CPU-second (embedding's share of the server's CPU time)`,
      `    transport floor     ${String(s.transportFloor.http.partsPerSecond).padStart(9)} parts/s, ratio ${s.transportFloor.ratio}: ` +
        `the same requests to a server that only parses them and answers 201 (server CPU ${s.transportFloor.http.serverCpuSeconds} s, ` +
        `client ${s.transportFloor.http.clientCpuSeconds} s)`,
      `    CPU ceiling         ${s.ceiling.ratio} = ${s.ceiling.cores} cores × E / (E + F + S), CPU µs per part: encoder E ${s.ceiling.encoderUs}, ` +
        `transport F ${s.ceiling.transportUs}, SQLite + FTS5 writes alone S ${s.ceiling.storageUs}: no server that stores into SQLite can do better here (perfect overlap, no other work)`,
    );
  }
  const gen = r.sets[1]!;
  lines.push(
    '',
    `  peak RSS for ${gen.complete ? '' : `${gen.http.parts} of `}${gen.expectedParts} generated parts: ${gen.memory.peakRssMiB} MiB   target < 1024 MiB  ` +
      (r.memoryJudged ? verdict(r.memoryPass) : 'FAIL (not judged: the set was not fully indexed)'),
    `  indexing section took ${r.totalSeconds} s`,
  );
  for (const s of r.sets) if (s.profile) lines.push('', `  ${s.name} server:`, ...formatProfile(s.profile));
  return lines;
}
