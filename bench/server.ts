/**
 * Starts one Quarry server for the benchmark, in its own process.
 *
 *   node --import tsx bench/server.ts [--port N] [--no-auth] [--exit-with-stdin]
 *
 * - binds 127.0.0.1 only, on --port (0, the default, picks a free port);
 * - uses a fresh temporary data directory, removed on exit;
 * - log level silent;
 * - --no-auth builds the app with unsafeDisableAuth: true (no authentication or policy hooks);
 * - --exit-with-stdin stops the server when its stdin closes, so a crashed parent leaves no orphan.
 *
 * Before listening it creates the fixtures the benchmark needs: a corpus "bench" and a
 * QueryService (zqt_) key bound to it. The corpus declares one filter attribute, document-level
 * integer `bucket`. When listening it prints exactly one JSON line on stdout:
 *   {"port":…,"pid":…,"auth":true,"ownerKey":"zut_…","queryKey":"zqt_…","queryKeyId":"aky_…","corpusKey":"bench","dataDir":"/tmp/…"}
 * It exits on SIGTERM or SIGINT. A line `ready <corpus key>` on stdin waits until that corpus's
 * in-memory indexes are built (postings, vectors, the HNSW graph), as on a server that has been
 * running a while, then prints one JSON line {"ready":"<key>","ms":…} (or {"error":…}).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import type { Principal } from '../src/auth/principal.js';
import { buildConfig } from '../src/config/load.js';
import { createSqliteStorage } from '../src/storage/sqlite/index.js';

export interface BenchServerInfo {
  port: number;
  pid: number;
  /** false when the server runs with unsafeDisableAuth. */
  auth: boolean;
  ownerKey: string;
  queryKey: string;
  queryKeyId: string;
  corpusKey: string;
  /** The server's temporary data directory (SQLite file quarry.db); removed when it exits. */
  dataDir: string;
}

const BENCH_CORPUS = 'bench';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'no-auth': { type: 'boolean', default: false },
      'exit-with-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const auth = !values['no-auth'];

  const dataDir = mkdtempSync(join(tmpdir(), 'quarry-bench-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDataDir);

  const config = buildConfig({ host: '127.0.0.1', port, data_dir: dataDir, log_level: 'silent' });
  const app = await buildApp({
    config,
    storage: createSqliteStorage(join(dataDir, 'quarry.db')),
    unsafeDisableAuth: !auth,
  });

  const first = await app.firstStart();
  if (!first) throw new Error('expected a first start in a fresh data directory');

  // Fixtures, made through the services (not HTTP) so they exist on the no-auth server too.
  // `bucket` lets the query bench filter (e.g. `doc.bucket < 5`); documents without it still index.
  await app.services.corpora.create({
    key: BENCH_CORPUS,
    name: 'Benchmark corpus',
    filter_attributes: [{ name: 'bucket', level: 'document', type: 'integer', indexed: true }],
  });
  const owner = await app.services.users.require(first.username);
  const asOwner: Principal = { kind: 'api_key', keyId: 'bench-setup', keyRole: 'personal', user: owner, corpusIds: [] };
  const queryKey = await app.services.apiKeys.create(asOwner, {
    name: 'bench query key',
    api_key_role: 'serving',
    corpus_keys: [BENCH_CORPUS],
  });
  if (!queryKey.secret_key) throw new Error('the created key carries no secret');

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (values['exit-with-stdin']) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }

  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on a TCP port');

  const info: BenchServerInfo = {
    port: address.port,
    pid: process.pid,
    auth,
    ownerKey: first.secret,
    queryKey: queryKey.secret_key,
    queryKeyId: queryKey.id,
    corpusKey: BENCH_CORPUS,
    dataDir,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  answerReadyRequests(async (corpusKey) => app.services.query.ready(corpusKey));
}

function answerReadyRequests(ready: (corpusKey: string) => Promise<void>): void {
  let pending = '';
  process.stdin.on('data', (d: Buffer) => {
    pending += d.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      const key = /^ready (\S+)$/.exec(line)?.[1];
      if (!key) continue;
      const t0 = performance.now();
      ready(key).then(
        () => process.stdout.write(`${JSON.stringify({ ready: key, ms: Math.round(performance.now() - t0) })}\n`),
        (err: unknown) => process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`),
      );
    }
  });
  process.stdin.resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
