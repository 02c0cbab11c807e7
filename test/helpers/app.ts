import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type QuarryApp } from '../../src/app.js';
import { buildConfig, type PartialConfig } from '../../src/config/load.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

export interface TestServer {
  app: QuarryApp;
  /** The owner's personal key, created on first start. */
  ownerKey: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real app on a real SQLite file in a fresh temporary data directory. */
export async function startTestApp(settings: PartialConfig = {}, logStream?: NodeJS.WritableStream): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quarry-test-'));
  const config = buildConfig({ log_level: 'silent', ...settings, data_dir: dataDir });
  const app = await buildApp({ config, storage: createSqliteStorage(join(dataDir, 'quarry.db')), logStream });
  const first = await app.firstStart();
  if (!first) throw new Error('expected a first start');
  await app.ready();
  return {
    app,
    ownerKey: first.secret,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A small client over `inject` that speaks JSON and sends a key. */
export function client(app: QuarryApp, key?: string) {
  const call = async (method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const text = res.body;
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, body: json, headers: res.headers, text };
  };
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body ?? {}, headers),
    put: (url: string, body?: unknown) => call('PUT', url, body ?? {}),
    patch: (url: string, body?: unknown) => call('PATCH', url, body ?? {}),
    delete: (url: string) => call('DELETE', url),
    call,
  };
}
