import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { personalKeyFor } from './support.js';

/** Nobody gives or takes away roles it does not hold itself. */
describe('role changes need the roles being changed', () => {
  let server: TestServer;
  let owner: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let indexKey: ReturnType<typeof client>;

  beforeAll(async () => {
    server = await startTestApp({ owner: { email: 'owner@example.com' } });
    owner = client(server.app, server.ownerKey);
    await owner.post('/v2/corpora', { key: 'docs' });
    await owner.post('/v2/users', { email: 'second-owner@example.com', api_roles: ['owner'] });
    await owner.post('/v2/users', { email: 'admin@example.com', api_roles: ['administrator'] });
    admin = client(server.app, (await personalKeyFor(server.app, 'admin@example.com')).secret);
    const zwt = await owner.post('/v2/api_keys', { name: 'ix', api_key_role: 'serving_and_indexing', corpus_keys: ['docs'] });
    indexKey = client(server.app, zwt.body.secret_key);
  });
  afterAll(() => server.close());

  it('an IndexService key cannot strip an administrator app client of its roles', async () => {
    const c = await owner.post('/v2/app_clients', { type: 'client_credentials', name: 'svc', api_roles: ['administrator'] });
    const res = await indexKey.patch(`/v2/app_clients/${c.body.id}`, { api_roles: [] });
    expect(res.status).toBe(403);
    expect(res.body.messages[0]).toMatch(/administrator/);
    expect((await owner.get(`/v2/app_clients/${c.body.id}`)).body.api_roles).toEqual(['administrator']);
    // Changing only the description is fine.
    expect((await indexKey.patch(`/v2/app_clients/${c.body.id}`, { description: 'billing sync' })).status).toBe(200);
  });

  it('an administrator cannot demote, disable or delete an owner, but an owner can', async () => {
    const target = '/v2/users/second-owner@example.com';
    expect((await admin.patch(target, { api_roles: ['administrator'] })).status).toBe(403);
    expect((await admin.patch(target, { enabled: false })).status).toBe(403);
    expect((await admin.delete(target)).status).toBe(403);
    expect((await owner.get(target)).body).toMatchObject({ enabled: true, api_roles: ['owner'] });
    expect((await owner.patch(target, { enabled: false })).status).toBe(200);
    expect((await owner.delete(target)).status).toBe(204);
  });

  it('an administrator manages users with roles it holds', async () => {
    await owner.post('/v2/users', { email: 'dev@example.com', api_roles: ['corpus_developer'] });
    expect((await admin.patch('/v2/users/dev@example.com', { api_roles: [] })).status).toBe(403);
    await owner.post('/v2/users', { email: 'helper@example.com', api_roles: ['administrator'] });
    expect((await admin.patch('/v2/users/helper@example.com', { enabled: false })).status).toBe(200);
    expect((await admin.delete('/v2/users/helper@example.com')).status).toBe(204);
  });
});
