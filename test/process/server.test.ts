import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/process.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'quarry-proc-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const keyIn = (text: string) => /^\s+(zut_[A-Za-z0-9_-]+)\s*$/m.exec(text)?.[1];

describe('quarry serve, as a process', () => {
  it('prints the owner key once on first start, serves it over real HTTP, and keeps it across restarts', async () => {
    const dataDir = tempDir();
    const first = await startServer({ QUARRY_DATA_DIR: dataDir });
    const key = keyIn(first.output());
    expect(key).toMatch(/^zut_/);
    const res = await fetch(`${first.baseUrl}/v2/corpora`, { headers: { 'x-api-key': key! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await first.stop('SIGTERM')).toBe(0);

    // The master key lives beside the database, readable by its owner only.
    expect(statSync(join(dataDir, 'master.key')).mode & 0o077).toBe(0);

    const second = await startServer({ QUARRY_DATA_DIR: dataDir });
    expect(keyIn(second.output())).toBeUndefined();
    const again = await fetch(`${second.baseUrl}/v2/corpora`, { headers: { 'x-api-key': key! } });
    expect(again.status).toBe(200);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('runs a second server beside the first on its own port and data directory', async () => {
    const a = await startServer({ QUARRY_DATA_DIR: tempDir() });
    const b = await startServer({ QUARRY_DATA_DIR: tempDir() });
    try {
      expect(a.port).not.toBe(b.port);
      const keyA = keyIn(a.output())!;
      const keyB = keyIn(b.output())!;
      expect(keyA).not.toBe(keyB);
      expect((await fetch(`${a.baseUrl}/v2/corpora`, { headers: { 'x-api-key': keyA } })).status).toBe(200);
      // Each server has its own accounts: A's key means nothing to B.
      expect((await fetch(`${b.baseUrl}/v2/corpora`, { headers: { 'x-api-key': keyA } })).status).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses to start with an invalid setting and says which', async () => {
    await expect(startServer({ QUARRY_DATA_DIR: tempDir(), QUARRY_PORT: 'eighty' })).rejects.toThrow(/port/);
  });

  it('finishes a request in flight when asked to stop', async () => {
    const server = await startServer({ QUARRY_DATA_DIR: tempDir() });
    const key = keyIn(server.output())!;
    const inFlight = fetch(`${server.baseUrl}/v2/corpora`, { headers: { 'x-api-key': key } });
    const exit = server.stop('SIGTERM');
    const res = await inFlight.catch(() => undefined);
    // Either it was answered, or the server had already closed its listener before it arrived.
    if (res) expect([200, 503]).toContain(res.status);
    expect(await exit).toBe(0);
  });
});
