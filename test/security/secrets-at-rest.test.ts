import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { client, startTestApp } from '../helpers/app.js';

/** Every byte Quarry wrote into its data directory (database, WAL, key file). */
function dataBytes(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

describe('secrets at rest and in logs', () => {
  it('never writes a key secret or client secret in plain text, in the database or its WAL', async () => {
    const server = await startTestApp();
    try {
      const api = client(server.app, server.ownerKey);
      await api.post('/v2/corpora', { key: 'docs' });
      const q = await api.post('/v2/api_keys', { name: 'q', api_key_role: 'serving', corpus_keys: ['docs'] });
      const c = await api.post('/v2/app_clients', { type: 'client_credentials', name: 'svc', api_roles: ['administrator'] });
      expect(q.status).toBe(201);
      expect(c.status).toBe(201);
      const bytes = dataBytes(server.dataDir);
      for (const secret of [server.ownerKey, q.body.secret_key, c.body.client_secret]) {
        expect(secret.length).toBeGreaterThan(20);
        expect(bytes.includes(secret)).toBe(false);
      }
      // ...yet the secrets can be read back through the API, as Vectara's clients expect.
      expect((await api.get(`/v2/api_keys/${q.body.id}`)).body.secret_key).toBe(q.body.secret_key);
    } finally {
      await server.close();
    }
  });

  it('keeps the master key where auth.master_key_file says, outside the data directory', async () => {
    const secretsDir = mkdtempSync(join(tmpdir(), 'quarry-secrets-'));
    const keyFile = join(secretsDir, 'nested', 'master.key');
    const server = await startTestApp({ auth: { master_key_file: keyFile } });
    try {
      expect(existsSync(keyFile)).toBe(true);
      expect(existsSync(join(server.dataDir, 'master.key'))).toBe(false);
    } finally {
      await server.close();
      rmSync(secretsDir, { recursive: true, force: true });
    }
  });

  it('accepts a master key given as a setting, and refuses a malformed one', async () => {
    const good = Buffer.alloc(32, 7).toString('base64');
    const server = await startTestApp({ auth: { master_key: good } });
    expect(existsSync(join(server.dataDir, 'master.key'))).toBe(false);
    await server.close();
    await expect(startTestApp({ auth: { master_key: 'c2hvcnQ=' } })).rejects.toThrow(/32 bytes/);
  });
});

describe('logs', () => {
  it('never contain a secret, even at trace level and when a request fails', async () => {
    const stream = new PassThrough();
    let logs = '';
    stream.on('data', (d: Buffer) => (logs += d.toString()));
    const server = await startTestApp({ log_level: 'trace' }, stream);
    try {
      const api = client(server.app, server.ownerKey);
      await api.post('/v2/corpora', { key: 'docs' });
      const c = await api.post('/v2/app_clients', { type: 'client_credentials', name: 'svc', api_roles: ['administrator'] });
      const token = await api.post('/oauth/token', { grant_type: 'client_credentials', client_id: c.body.client_id, client_secret: c.body.client_secret });
      await client(server.app).get('/v2/users', { authorization: `Bearer ${token.body.access_token}` });
      await client(server.app).get('/v2/users', { authorization: `Bearer ${server.ownerKey}x` });
      await api.post('/v2/api_keys', { name: 'bad', api_key_role: 'nope' });
      expect(logs.length).toBeGreaterThan(1000);
      for (const secret of [server.ownerKey, c.body.client_secret, token.body.access_token]) {
        expect(logs.includes(secret)).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});

describe('CORS for browser apps using QueryService keys', () => {
  it('answers preflight requests for any origin by default', async () => {
    const server = await startTestApp();
    try {
      const res = await server.app.inject({
        method: 'OPTIONS',
        url: '/v2/corpora/docs/query',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key,content-type' },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(String(res.headers['access-control-allow-headers'])).toContain('x-api-key');
      const get = await server.app.inject({ method: 'GET', url: '/v2/corpora', headers: { origin: 'https://shop.example', 'x-api-key': server.ownerKey } });
      expect(get.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(String(get.headers['access-control-expose-headers'])).toContain('x-request-id');
    } finally {
      await server.close();
    }
  });

  it('limits origins when configured, and can be switched off', async () => {
    const limited = await startTestApp({ cors_origins: 'https://a.example' });
    const res = await limited.app.inject({ method: 'GET', url: '/v2/corpora', headers: { origin: 'https://b.example', 'x-api-key': limited.ownerKey } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await limited.close();
    const off = await startTestApp({ cors_origins: 'none' });
    const res2 = await off.app.inject({ method: 'GET', url: '/v2/corpora', headers: { origin: 'https://b.example', 'x-api-key': off.ownerKey } });
    expect(res2.headers['access-control-allow-origin']).toBeUndefined();
    await off.close();
  });
});
