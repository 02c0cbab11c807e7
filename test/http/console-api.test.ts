import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, createKey, expectError, expectOk, personalKeyFor, type Client } from './support.js';

/** Quarry's console operations: password sign-in through the reset flow, and key regeneration. */
describe('console operations', () => {
  let server: TestServer;
  let owner: Client;
  let anon: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    anon = client(server.app);
    await createCorpus(owner, 'kb');
    expectOk(await owner.post('/v2/users', { email: 'dev@example.com', username: 'dev', api_roles: ['corpus_administrator'] }), 'createUser', 201);
    expectOk(await owner.post('/v2/users', { email: 'plain@example.com', username: 'plain' }), 'createUser', 201);
  });

  afterAll(async () => {
    await server?.close();
  });

  const reset = async (username: string) => (await owner.post(`/v2/users/${username}/reset_password`, {})).body.one_time_code as string;
  const PASSWORD = 'correct horse battery staple';

  describe('password sign-in', () => {
    it('a user sets a password with the one-time code, signs in, and acts within their roles', async () => {
      const code = await reset('dev');
      expectError(await anon.post('/quarry/users/dev/password', { one_time_code: code, password: 'short' }), 400, 'BadRequestError');
      expect((await anon.post('/quarry/users/dev/password', { one_time_code: code, password: PASSWORD })).status).toBe(204);
      expectError(await anon.post('/quarry/users/dev/password', { one_time_code: code, password: PASSWORD }), 401);

      const session = await anon.post('/quarry/session', { username: 'dev', password: PASSWORD });
      expect(session.status).toBe(200);
      expect(session.body).toEqual(expect.objectContaining({ token_type: 'Bearer', username: 'dev', expires_in: expect.any(Number) }));
      const asDev = (path: string) => anon.get(path, { authorization: `Bearer ${session.body.access_token}` });
      expectOk(await asDev('/v2/corpora'), 'listCorpora', 200);
      expectError(await asDev('/v2/users'), 403);
    });

    it('a wrong password, an unknown user, or a user without a password is the same 401', async () => {
      for (const [username, password] of [['dev', 'wrong password here'], ['nobody', PASSWORD], ['plain', PASSWORD]]) {
        const res = await anon.post('/quarry/session', { username, password });
        expectError(res, 401);
        expect(res.body.messages[0]).toBe('Wrong user name or password.');
      }
    });

    it('disabling the user ends their sessions on the next request', async () => {
      const token = (await anon.post('/quarry/session', { username: 'dev', password: PASSWORD })).body.access_token;
      const bearer = { authorization: `Bearer ${token}` };
      expect((await anon.get('/v2/corpora', bearer)).status).toBe(200);
      expectOk(await owner.patch('/v2/users/dev', { enabled: false }), 'updateUser', 200);
      expectError(await anon.get('/v2/corpora', bearer), 401);
      expectError(await anon.post('/quarry/session', { username: 'dev', password: PASSWORD }), 401);
      expectOk(await owner.patch('/v2/users/dev', { enabled: true }), 'updateUser', 200);
    });
  });

  describe('regenerating a personal key', () => {
    it('gives a new secret; the old one gets 401 on its next call', async () => {
      const mine = await personalKeyFor(server.app, 'owner');
      const before = client(server.app, mine.secret);
      expect((await before.get('/v2/corpora')).status).toBe(200);
      const res = await owner.post(`/quarry/api_keys/${mine.id}/regenerate`, {});
      expect(res.status).toBe(200);
      expect(res.body.secret_key).toMatch(/^zut_/);
      expect(res.body.secret_key).not.toBe(mine.secret);
      expectError(await before.get('/v2/corpora'), 401);
      expect((await client(server.app, res.body.secret_key).get('/v2/corpora')).status).toBe(200);
    });

    it('only for personal keys, and only by their user or an account administrator', async () => {
      const query = await createKey(owner, 'serving', ['kb']);
      expectError(await owner.post(`/quarry/api_keys/${query.id}/regenerate`, {}), 400, 'BadRequestError');
      const ownerKey = await personalKeyFor(server.app, 'owner');
      // dev administers corpora, not the account: its own key yes, the owner's no.
      const devKey = await personalKeyFor(server.app, 'dev');
      const dev = client(server.app, devKey.secret);
      expectError(await dev.post(`/quarry/api_keys/${ownerKey.id}/regenerate`, {}), 403);
      expect((await dev.post(`/quarry/api_keys/${devKey.id}/regenerate`, {})).status).toBe(200);
      expectError(await client(server.app, query.secret_key).post(`/quarry/api_keys/${ownerKey.id}/regenerate`, {}), 403);
      expectError(await anon.post(`/quarry/api_keys/${ownerKey.id}/regenerate`, {}), 401);
    });
  });
});
