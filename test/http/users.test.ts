import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { specProblems } from '../helpers/spec.js';
import { createCorpus, expectError, expectFieldError, expectOk, personalKeyFor, walkPages, type Client } from './support.js';

const userPath = (username: string) => `/v2/users/${encodeURIComponent(username)}`;

describe('users over HTTP', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    // A deliverable owner e-mail, so that lists validate; the default one has its own test below.
    server = await startTestApp({ owner: { email: 'owner@example.com' } });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'docs');
    await createCorpus(owner, 'notes');
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Creates a user through the API and returns a client speaking with a personal key of that user. */
  async function userWithKey(body: Record<string, unknown>): Promise<{ user: any; key: Client; keyId: string }> {
    const res = await owner.post('/v2/users', body);
    expectOk(res, 'createUser', 201);
    const { id, secret } = await personalKeyFor(server.app, res.body.username);
    return { user: res.body, key: client(server.app, secret), keyId: id };
  }

  describe('create and read', () => {
    it('creates a user: 201, usr_ id, username defaults to the email', async () => {
      const res = await owner.post('/v2/users', { email: 'ann@example.com', description: 'Ann' });
      expectOk(res, 'createUser', 201);
      expect(res.body.id).toMatch(/^usr_/);
      expect(res.body.email).toBe('ann@example.com');
      expect(res.body.username).toBe('ann@example.com');
      expect(res.body.description).toBe('Ann');
      expect(res.body.enabled).toBe(true);
      expect(res.body.api_roles).toEqual([]);
      expect(res.body.corpus_roles).toEqual([]);

      const read = await owner.get(userPath('ann@example.com'));
      expectOk(read, 'getUser', 200);
      expect(read.body.id).toBe(res.body.id);
    });

    it('takes an explicit username', async () => {
      const res = await owner.post('/v2/users', { email: 'bob@example.com', username: 'bob', api_roles: ['corpus_developer'] });
      expectOk(res, 'createUser', 201);
      expect(res.body.username).toBe('bob');
      expect(res.body.api_roles).toEqual(['corpus_developer']);
      expectOk(await owner.get('/v2/users/bob'), 'getUser', 200);
    });

    it('a duplicate username is a 409', async () => {
      expectOk(await owner.post('/v2/users', { email: 'dup@example.com' }), 'createUser', 201);
      expectError(await owner.post('/v2/users', { email: 'dup@example.com' }), 409);
      expectError(await owner.post('/v2/users', { email: 'other@example.com', username: 'dup@example.com' }), 409);
    });

    it('corpus_roles round-trip with their corpus keys', async () => {
      const corpus_roles = [
        { corpus_key: 'docs', role: 'editor' },
        { corpus_key: 'notes', role: 'viewer' },
      ];
      const res = await owner.post('/v2/users', { email: 'cara@example.com', corpus_roles });
      expectOk(res, 'createUser', 201);
      const sort = (r: Array<{ corpus_key: string }>) => [...r].sort((a, b) => a.corpus_key.localeCompare(b.corpus_key));
      expect(sort(res.body.corpus_roles)).toEqual(corpus_roles);
      const read = await owner.get(userPath('cara@example.com'));
      expectOk(read, 'getUser', 200);
      expect(sort(read.body.corpus_roles)).toEqual(corpus_roles);

      const updated = await owner.patch(userPath('cara@example.com'), { corpus_roles: [{ corpus_key: 'notes', role: 'administrator' }] });
      expectOk(updated, 'updateUser', 200);
      expect(updated.body.corpus_roles).toEqual([{ corpus_key: 'notes', role: 'administrator' }]);
    });

    it('a corpus role on an unknown corpus is a 400 naming corpus_roles', async () => {
      const res = await owner.post('/v2/users', { email: 'dan@example.com', corpus_roles: [{ corpus_key: 'nope', role: 'viewer' }] });
      expectFieldError(res, 'corpus_roles');
      expectError(await owner.get(userPath('dan@example.com')), 404, 'NotFoundError');
    });

    it('bad input is a 400: missing or invalid email, unknown role', async () => {
      expectFieldError(await owner.post('/v2/users', {}), 'email');
      expectFieldError(await owner.post('/v2/users', { email: 'not an email' }), 'email');
      expectFieldError(await owner.post('/v2/users', { email: 'e@example.com', api_roles: ['god'] }), 'api_roles.0');
      expectFieldError(
        await owner.post('/v2/users', { email: 'e@example.com', corpus_roles: [{ corpus_key: 'docs', role: 'reader' }] }),
        'corpus_roles.0.role',
      );
    });

    it('a user whose username is as long as an e-mail may be (320 characters) can be read, updated and deleted', async () => {
      for (const length of [120, 320]) {
        const email = `${'l'.repeat(length - '@example.com'.length)}@example.com`;
        expect(email).toHaveLength(length);
        expectOk(await owner.post('/v2/users', { email }), 'createUser', 201);
        expectOk(await owner.get(userPath(email)), 'getUser', 200);
        expectOk(await owner.patch(userPath(email), { description: 'long' }), 'updateUser', 200);
        expectOk(await owner.post(`${userPath(email)}/reset_password`), 'resetUserPassword', 200);
        expect((await owner.delete(userPath(email))).status).toBe(204);
      }
    });

    it('an unknown user is a 404 NotFoundError carrying the username', async () => {
      for (const res of [
        await owner.get('/v2/users/nobody'),
        await owner.patch('/v2/users/nobody', { description: 'x' }),
        await owner.delete('/v2/users/nobody'),
        await owner.post('/v2/users/nobody/reset_password'),
      ]) {
        expectError(res, 404, 'NotFoundError');
        expect(res.body.id).toBe('nobody');
      }
    });
  });

  it('the default owner is a valid User: its e-mail matches the spec\'s email format', async () => {
    const fresh = await startTestApp();
    try {
      const res = await client(fresh.app, fresh.ownerKey).get('/v2/users/owner');
      expectOk(res, 'getUser', 200);
    } finally {
      await fresh.close();
    }
  });

  describe('list', () => {
    it('walks every page with limit=2; the last page has no page_key', async () => {
      for (let i = 0; i < 4; i++) expectOk(await owner.post('/v2/users', { email: `page${i}@example.com` }), 'createUser', 201);
      const all = await owner.get('/v2/users?limit=100');
      expectOk(all, 'listUsers', 200);
      expect(all.body.metadata?.page_key).toBeUndefined();
      const walked = await walkPages(owner, '/v2/users', 'users', 'listUsers', 2);
      expect(walked.items.map((u) => u.username)).toEqual(all.body.users.map((u: { username: string }) => u.username));
      expect(walked.items.map((u) => u.username)).toContain('owner');
    });

    it('filters by corpus_key', async () => {
      await createCorpus(owner, 'filtered');
      expectOk(
        await owner.post('/v2/users', { email: 'fil@example.com', corpus_roles: [{ corpus_key: 'filtered', role: 'viewer' }] }),
        'createUser',
        201,
      );
      const res = await owner.get('/v2/users?corpus_key=filtered');
      expectOk(res, 'listUsers', 200);
      expect(res.body.users.map((u: { username: string }) => u.username)).toEqual(['fil@example.com']);
    });
  });

  describe('personal keys act with their user\'s roles', () => {
    it('an administrator\'s key manages users; disabling the user blocks its key at once', async () => {
      const { key } = await userWithKey({ email: 'admin1@example.com', api_roles: ['administrator'] });
      expectOk(await key.get('/v2/users'), 'listUsers', 200);

      const off = await owner.patch(userPath('admin1@example.com'), { enabled: false });
      expectOk(off, 'updateUser', 200);
      expect(off.body.enabled).toBe(false);
      expectError(await key.get('/v2/users'), 401);

      expectOk(await owner.patch(userPath('admin1@example.com'), { enabled: true }), 'updateUser', 200);
      expectOk(await key.get('/v2/users'), 'listUsers', 200);
    });

    it('role changes take effect on the next request', async () => {
      const { key } = await userWithKey({ email: 'promoted@example.com' });
      expectError(await key.get('/v2/users'), 403);
      expectOk(await owner.patch(userPath('promoted@example.com'), { api_roles: ['administrator'] }), 'updateUser', 200);
      expectOk(await key.get('/v2/users'), 'listUsers', 200);
      expectOk(await owner.patch(userPath('promoted@example.com'), { api_roles: [] }), 'updateUser', 200);
      expectError(await key.get('/v2/users'), 403);
    });

    it('a user without roles gets 403 on every user operation', async () => {
      const { key } = await userWithKey({ email: 'plain@example.com' });
      expectError(await key.get('/v2/users'), 403);
      expectError(await key.post('/v2/users', { email: 'x@example.com' }), 403);
      expectError(await key.get('/v2/users/owner'), 403);
      expectError(await key.patch(userPath('plain@example.com'), { api_roles: ['owner'] }), 403);
      expectError(await key.delete('/v2/users/owner'), 403);
      expectError(await key.post('/v2/users/owner/reset_password'), 403);
      // Its own key still authenticates: it is the roles, not the key, that fall short.
      expect((await key.get('/v2/users')).body.messages[0]).toMatch(/owner or administrator/);
    });

    it('a corpus_developer cannot manage users either', async () => {
      const { key } = await userWithKey({ email: 'dev@example.com', api_roles: ['corpus_developer'] });
      expectError(await key.get('/v2/users'), 403);
    });

    it('an administrator cannot grant the owner role (403), but can grant roles it holds', async () => {
      const { key } = await userWithKey({ email: 'admin2@example.com', api_roles: ['administrator'] });
      expectError(await key.post('/v2/users', { email: 'wannabe@example.com', api_roles: ['owner'] }), 403);
      expectError(await key.get(userPath('wannabe@example.com')), 404, 'NotFoundError');

      const made = await key.post('/v2/users', { email: 'helper@example.com', api_roles: ['administrator'] });
      expectOk(made, 'createUser', 201);
      expectError(await key.patch(userPath('helper@example.com'), { api_roles: ['owner'] }), 403);
      expectError(await key.patch(userPath('admin2@example.com'), { api_roles: ['owner', 'administrator'] }), 403);
      const still = await owner.get(userPath('helper@example.com'));
      expect(still.body.api_roles).toEqual(['administrator']);
    });

    it('the owner can grant the owner role', async () => {
      const res = await owner.post('/v2/users', { email: 'co-owner@example.com', api_roles: ['owner'] });
      expectOk(res, 'createUser', 201);
      expect(res.body.api_roles).toEqual(['owner']);
    });

    it('deleting a user answers 204 and its personal keys stop working at once', async () => {
      const { key, keyId } = await userWithKey({ email: 'leaver@example.com', api_roles: ['administrator'] });
      expectOk(await key.get('/v2/users'), 'listUsers', 200);

      const del = await owner.delete(userPath('leaver@example.com'));
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expectError(await key.get('/v2/users'), 401);
      const gone = await owner.get(userPath('leaver@example.com'));
      expectError(gone, 404, 'NotFoundError');
      expect(gone.body.id).toBe('leaver@example.com');
      expectError(await owner.get(`/v2/api_keys/${keyId}`), 404, 'NotFoundError');
      // A new user with the same name does not inherit the old keys.
      expectOk(await owner.post('/v2/users', { email: 'leaver@example.com', api_roles: ['administrator'] }), 'createUser', 201);
      expectError(await key.get('/v2/users'), 401);
    });
  });

  describe('the last enabled owner', () => {
    it('cannot be disabled, demoted or deleted (400)', async () => {
      // This app has a second owner (co-owner above) unless that test did not run; use a fresh app.
      const fresh = await startTestApp({ owner: { email: 'owner@example.com' } });
      try {
        const o = client(fresh.app, fresh.ownerKey);
        expectError(await o.patch('/v2/users/owner', { enabled: false }), 400, 'BadRequestError');
        expectError(await o.patch('/v2/users/owner', { api_roles: ['administrator'] }), 400, 'BadRequestError');
        expectError(await o.delete('/v2/users/owner'), 400, 'BadRequestError');
        const read = await o.get('/v2/users/owner');
        expectOk(read, 'getUser', 200);
        expect(read.body.enabled).toBe(true);
        expect(read.body.api_roles).toEqual(['owner']);
        // Another owner, but disabled, does not count.
        expectOk(await o.post('/v2/users', { email: 'o2@example.com', api_roles: ['owner'] }), 'createUser', 201);
        expectOk(await o.patch(userPath('o2@example.com'), { enabled: false }), 'updateUser', 200);
        expectError(await o.delete('/v2/users/owner'), 400, 'BadRequestError');
        // Once another enabled owner exists, the first one may go.
        expectOk(await o.patch(userPath('o2@example.com'), { enabled: true }), 'updateUser', 200);
        const o2 = client(fresh.app, (await personalKeyFor(fresh.app, 'o2@example.com')).secret);
        expectOk(await o2.patch('/v2/users/owner', { enabled: false }), 'updateUser', 200);
        expectError(await o.get('/v2/users'), 401);
        expectError(await o2.patch(userPath('o2@example.com'), { enabled: false }), 400, 'BadRequestError');
      } finally {
        await fresh.close();
      }
    });
  });

  describe('reset_password', () => {
    it('returns a one-time code, different each time', async () => {
      expectOk(await owner.post('/v2/users', { email: 'forgetful@example.com' }), 'createUser', 201);
      const a = await owner.post(`${userPath('forgetful@example.com')}/reset_password`);
      expectOk(a, 'resetUserPassword', 200);
      expect(a.body.one_time_code).toBeTypeOf('string');
      expect(a.body.one_time_code.length).toBeGreaterThanOrEqual(16);
      const b = await owner.post(`${userPath('forgetful@example.com')}/reset_password`);
      expectOk(b, 'resetUserPassword', 200);
      expect(b.body.one_time_code).not.toBe(a.body.one_time_code);
    });

    it('works without a body at all', async () => {
      const res = await server.app.inject({ method: 'POST', url: '/v2/users/owner/reset_password', headers: { 'x-api-key': server.ownerKey } });
      expect(res.statusCode, res.body).toBe(200);
      expect(specProblems('resetUserPassword', 200, res.json())).toEqual([]);
    });
  });

  describe('update', () => {
    it('PATCH changes only the fields given', async () => {
      expectOk(
        await owner.post('/v2/users', { email: 'eve@example.com', description: 'before', api_roles: ['corpus_developer'] }),
        'createUser',
        201,
      );
      const res = await owner.patch(userPath('eve@example.com'), { description: 'after' });
      expectOk(res, 'updateUser', 200);
      expect(res.body.description).toBe('after');
      expect(res.body.api_roles).toEqual(['corpus_developer']);
      expect(res.body.enabled).toBe(true);
      expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(res.body.created_at));
    });
  });
});
