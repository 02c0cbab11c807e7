/**
 * The indexing bench's servers and client (bench/indexing.ts): a Quarry server or the transport
 * floor in a child process, and the run that POSTs a set of documents to one of them while
 * measuring its CPU time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { PostedDocument } from './indexing-data.js';
import { cpuSeconds, mainThreadCpuSeconds, round } from './measure.js';
import { startBenchServer, stopBenchServer, type BenchServerProcess } from './server-process.js';
import type { BenchServerInfo } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the servers' CPU profiles go when the bench runs them under --cpu-prof. */
export const PROFILE_DIR = join(ROOT, 'bench', 'results', 'profiles');
const HOST = '127.0.0.1';
const REQUEST_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// Server process

export type Server = BenchServerProcess<Pick<BenchServerInfo, 'port' | 'pid' | 'ownerKey'>>;

export function startServer(cpuProfile: boolean): Promise<Server> {
  const nodeArgs = ['--import', 'tsx'];
  if (cpuProfile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
  }
  return startBenchServer([...nodeArgs, 'bench/server.ts', '--port', '0', '--exit-with-stdin'], 'indexing bench server');
}

/** bench/transport-floor-server.ts: parses each body and answers 201, nothing more. */
export function startTransportFloor(): Promise<Server> {
  return startBenchServer(['--import', 'tsx', 'bench/transport-floor-server.ts', '--exit-with-stdin'], 'transport floor server');
}

export function stopServer({ child }: Server, graceMs: number): Promise<void> {
  return stopBenchServer(child, graceMs);
}


// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  status: number;
  text: string;
}

/**
 * One request through an undici pool (keep-alive connections to one server). undici rather than
 * node:http's client: the client shares the machine's two cores with the server, and undici costs
 * it less per request.
 */
export async function send(pool: Pool, method: 'GET' | 'POST', path: string, key: string, body?: Buffer): Promise<Answer> {
  const res = await pool.request({
    method,
    path,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** A pool of `connections` keep-alive connections to the server, one request in flight on each. */
export const poolTo = (port: number, connections: number): Pool => new Pool(`http://${HOST}:${port}`, { connections, pipelining: 1 });

export async function expect(answer: Promise<Answer>, status: number, what: string): Promise<any> {
  const a = await answer;
  if (a.status !== status) throw new Error(`${what}: HTTP ${a.status} (expected ${status}): ${a.text.slice(0, 300)}`);
  return a.text ? JSON.parse(a.text) : undefined;
}

export interface HttpRun {
  documentsSent: number;
  documentsIndexed: number;
  /** Parts of the documents answered 201 (as the server's own normalisation counts them). */
  parts: number;
  seconds: number;
  partsPerSecond: number;
  documentsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The server process's CPU time (user + system) over the run. */
  serverCpuSeconds: number;
  /**
   * Of which its main thread's (the event loop: HTTP, parsing, storing). Near `seconds`, the main
   * thread is what bounds the rate; the rest is mostly the encoder thread.
   */
  serverMainThreadCpuSeconds: number;
  /** This process's CPU time over the run: the client's share of the machine's cores. */
  clientCpuSeconds: number;
  partsPerServerCpuSecond: number;
  /** Status -> count for answers other than 201; "error" for requests without an answer. */
  failures: Record<string, number>;
  failureExamples: string[];
  /** The time budget ran out before every document was sent. */
  stoppedEarly: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function httpRun(server: Server, corpus: string, documents: PostedDocument[], concurrency: number, budgetSeconds: number): Promise<HttpRun> {
  const { port, pid, ownerKey } = server.info;
  const pool = poolTo(port, concurrency);
  const path = `/v2/corpora/${encodeURIComponent(corpus)}/documents`;
  const failures: Record<string, number> = {};
  const failureExamples: string[] = [];
  const latencies: number[] = [];
  const fail = (what: string, detail: string) => {
    failures[what] = (failures[what] ?? 0) + 1;
    if (failureExamples.length < 5) failureExamples.push(`${what}: ${detail.slice(0, 200)}`);
  };
  let next = 0;
  let sent = 0;
  let indexed = 0;
  let parts = 0;
  const cpuBefore = cpuSeconds(pid);
  const mainBefore = mainThreadCpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + budgetSeconds * 1000;
  const worker = async () => {
    while (next < documents.length && performance.now() < deadline) {
      const { body, parts: made } = documents[next++]!;
      sent++;
      const started = performance.now();
      try {
        const a = await send(pool, 'POST', path, ownerKey, body);
        latencies.push(performance.now() - started);
        if (a.status !== 201) {
          fail(String(a.status), a.text);
          continue;
        }
        indexed++;
        parts += made;
      } catch (err) {
        fail('error', err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = cpuSeconds(pid) - cpuBefore;
  const serverMainCpu = mainThreadCpuSeconds(pid) - mainBefore;
  const client = process.cpuUsage(clientBefore);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    documentsSent: sent,
    documentsIndexed: indexed,
    parts,
    seconds: round(seconds, 2),
    partsPerSecond: round(parts / seconds, 1),
    documentsPerSecond: round(indexed / seconds, 1),
    latencyP50Ms: round(percentile(latencies, 50), 1),
    latencyP99Ms: round(percentile(latencies, 99), 1),
    serverCpuSeconds: round(serverCpu, 2),
    serverMainThreadCpuSeconds: round(serverMainCpu, 2),
    clientCpuSeconds: round((client.user + client.system) / 1e6, 2),
    partsPerServerCpuSecond: round(parts / Math.max(serverCpu, 0.01), 1),
    failures,
    failureExamples,
    stoppedEarly: sent < documents.length,
  };
}
