/**
 * Revocation reaches the very next request although answers come from the auth cache: changes
 * made through a second connection to the same SQLite file (what `quarry keys disable` does from
 * its own process) as well as through the server's own API. test/process/cli.test.ts does the same
 * with real processes; this one is fast enough to try many requests at once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Storage } from '../../src/storage/types.js';
import { client, startTestApp, type TestServer } from '../helpers/app.js';

describe('revocation with cached credentials', () => {
  let server: TestServer;
  let other: Storage;
  let key: { id: string; secret: string };
  const ROUTE = '/v2/corpora/revoke';

  /** `n` requests sent together, so that they share turns of the event loop (and epoch reads). */
  const statuses = async (n: number) =>
    Promise.all(Array.from({ length: n }, async () => (await client(server.app, key.secret).get(ROUTE)).status));

  beforeAll(async () => {
    server = await startTestApp();
    other = createSqliteStorage(join(server.dataDir, 'quarry.db'));
    const owner = client(server.app, server.ownerKey);
    expect((await owner.post('/v2/corpora', { key: 'revoke', name: 'revoke' })).status).toBe(201);
    const created = await owner.post('/v2/api_keys', { name: 'cached', api_key_role: 'serving', corpus_keys: ['revoke'] });
    expect(created.status).toBe(201);
    key = { id: created.body.id, secret: created.body.secret_key };
  });

  afterAll(async () => {
    await other?.close();
    await server?.close();
  });

  it('sees a key disabled, enabled and deleted from another connection on the next requests', async () => {
    expect(await statuses(20)).toEqual(Array(20).fill(200));
    await other.apiKeys.setEnabled(key.id, false);
    expect(await statuses(20)).toEqual(Array(20).fill(401));
    await other.apiKeys.setEnabled(key.id, true);
    expect(await statuses(20)).toEqual(Array(20).fill(200));
    await other.apiKeys.delete(key.id);
    expect(await statuses(20)).toEqual(Array(20).fill(401));
  });

  it('sees a key disabled through the API on the next request', async () => {
    const owner = client(server.app, server.ownerKey);
    const created = await owner.post('/v2/api_keys', { name: 'api', api_key_role: 'serving', corpus_keys: ['revoke'] });
    key = { id: created.body.id, secret: created.body.secret_key };
    expect(await statuses(5)).toEqual(Array(5).fill(200));
    expect((await owner.patch(`/v2/api_keys/${key.id}`, { enabled: false })).status).toBe(200);
    expect(await statuses(5)).toEqual(Array(5).fill(401));
  });

  it('answers each of the requests that share an epoch read on its own merits', async () => {
    const owner = client(server.app, server.ownerKey);
    expect((await owner.post('/v2/corpora', { key: 'elsewhere', name: 'elsewhere' })).status).toBe(201);
    const created = await owner.post('/v2/api_keys', { name: 'mixed', api_key_role: 'serving', corpus_keys: ['revoke'] });
    const secret = created.body.secret_key as string;
    const sent: Array<[string | undefined, string, number]> = [
      [secret, ROUTE, 200],
      [secret, '/v2/corpora/elsewhere', 403],
      [undefined, ROUTE, 401],
      [`zqt_${'x'.repeat(40)}`, ROUTE, 401],
      [server.ownerKey, '/v2/corpora/elsewhere', 200],
    ];
    const got = await Promise.all(sent.map(async ([k, url]) => (await client(server.app, k).get(url)).status));
    expect(got).toEqual(sent.map(([, , status]) => status));
  });

  it('answers every request of a turn when the epoch cannot be read, instead of leaving them waiting', async () => {
    const storage = server.app.storage;
    const read = storage.authEpochSync;
    (storage as { authEpochSync?: () => number }).authEpochSync = () => {
      throw new Error('database is locked');
    };
    try {
      expect(await statuses(5)).toEqual(Array(5).fill(500));
    } finally {
      (storage as { authEpochSync?: () => number }).authEpochSync = read;
    }
  });
});
