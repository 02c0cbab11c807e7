/**
 * The storage contract: one suite that every adapter of src/storage/types.ts must pass.
 *
 * An adapter's test file calls `runStorageContract(name, makeStorage)`; each test gets a fresh,
 * empty storage from `makeStorage` and calls its `cleanup` afterwards (which closes the storage
 * and removes whatever it made). The suite only uses the public interfaces, so SQLite today and
 * PostgreSQL later run exactly the same checks.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QuarryError } from '../../src/domain/errors.js';
import type {
  ApiKeyRecord,
  AppClientRecord,
  CorpusRecord,
  NewApiKey,
  NewAppClient,
  NewCorpus,
  NewUser,
  Page,
  PageRequest,
  Storage,
  UserRecord,
} from '../../src/storage/types.js';

export type MakeStorage = () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;

// ---------------------------------------------------------------------------------------------
// Builders and helpers
// ---------------------------------------------------------------------------------------------

let counter = 0;
const unique = (prefix: string): string => `${prefix}${++counter}_${randomUUID().slice(0, 8)}`;
const fakeHash = (): string => randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');

const newUser = (over: Partial<NewUser> = {}): NewUser => {
  const username = over.username ?? unique('user_');
  return {
    id: unique('usr_'),
    username,
    email: `${username}@example.com`,
    description: 'a user',
    enabled: true,
    api_roles: ['corpus_developer'],
    corpus_roles: [],
    ...over,
  };
};

const newKey = (over: Partial<NewApiKey> = {}): NewApiKey => ({
  id: unique('aky_'),
  name: unique('key '),
  role: 'serving',
  user_id: null,
  created_by: null,
  corpus_ids: [],
  secret_hash: fakeHash(),
  secret_encrypted: 'sealed-secret',
  ...over,
});

const newClient = (over: Partial<NewAppClient> = {}): NewAppClient => ({
  id: unique('app_'),
  name: unique('client-'),
  description: 'an app client',
  client_id: unique('cid_'),
  client_secret_hash: fakeHash(),
  client_secret_encrypted: 'sealed-client-secret',
  api_roles: ['administrator'],
  ...over,
});

const newCorpus = (over: Partial<NewCorpus> = {}): NewCorpus => ({
  key: unique('corpus-'),
  name: 'A corpus',
  description: 'Some documents',
  save_history: false,
  queries_are_answers: false,
  documents_are_questions: false,
  encoder_name: 'boomerang-multi-v2',
  filter_attributes: [],
  custom_dimensions: [],
  ...over,
});

/** ISO-8601 in UTC, as the contract requires for every time. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const expectIsoUtc = (value: string): void => {
  expect(value).toMatch(ISO_UTC);
  expect(Number.isNaN(Date.parse(value))).toBe(false);
};

const sortedNums = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const sortedStrs = (xs: string[]): string[] => [...xs].sort();

/**
 * Walks every page with the given limit and checks the keyset paging contract on the way:
 * every page but the last is full and carries a numeric `next`; the last page has no `next`
 * property at all; no item appears twice.
 */
async function collectPages<T>(
  fetch: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
  idOf: (item: T) => string | number,
): Promise<{ pages: T[][]; all: T[] }> {
  const pages: T[][] = [];
  let after: number | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(after === undefined ? { limit } : { limit, after });
    pages.push(page.items);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (!('next' in page) || page.next === undefined) {
      expect('next' in page, 'the last page must not carry a `next` property').toBe(false);
      const all = pages.flat();
      const ids = all.map(idOf);
      expect(new Set(ids).size, 'an item appeared on two pages').toBe(ids.length);
      return { pages, all };
    }
    expect(typeof page.next).toBe('number');
    expect(page.items.length, 'a page that has a `next` must be full').toBe(limit);
    after = page.next;
  }
  throw new Error('paging did not end after 1000 pages');
}

/** Whether a promise rejected; for the all-or-nothing checks, which accept either outcome. */
const settle = async (p: Promise<unknown>): Promise<'resolved' | 'rejected'> =>
  p.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );

/** The corpus id that no corpus has: larger than any created so far. */
const missingCorpusId = async (storage: Storage): Promise<number> => {
  const { all } = await collectPages((p) => storage.corpora.list(p), 100, (c) => c.id);
  return Math.max(0, ...all.map((c) => c.id)) + 1_000_000;
};

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

export function runStorageContract(name: string, makeStorage: MakeStorage): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await makeStorage();
      storage = made.storage;
      cleanup = made.cleanup;
    });

    afterEach(async () => {
      const done = cleanup;
      cleanup = undefined;
      if (done) await done();
    });

    // -------------------------------------------------------------------------------------------
    describe('storage', () => {
      it('describes itself', () => {
        expect(typeof storage.kind).toBe('string');
        expect(storage.kind.length).toBeGreaterThan(0);
        expect(typeof storage.capabilities.sharedAcrossNodes).toBe('boolean');
      });

      it('ping resolves', async () => {
        await expect(storage.ping()).resolves.toBeUndefined();
      });

      it('starts empty', async () => {
        expect(await storage.users.count()).toBe(0);
        for (const page of [
          await storage.users.list({ limit: 10 }),
          await storage.apiKeys.list({ limit: 10 }),
          await storage.appClients.list({ limit: 10 }),
          await storage.corpora.list({ limit: 10 }),
        ]) {
          expect(page.items).toEqual([]);
          expect('next' in page).toBe(false);
        }
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('authEpoch', () => {
      it('moves on every change that authentication or authorization depends on', async () => {
        const changes: Array<[string, () => Promise<unknown>]> = [];
        let corpusId = 0;
        let userId = '';
        let keyId = '';
        let clientId = '';
        changes.push(['corpus created', async () => (corpusId = (await storage.corpora.create(newCorpus({ key: 'epoch' }))).id)]);
        changes.push(['user created', async () => (userId = (await storage.users.create(newUser({ username: 'eve' }))).id)]);
        changes.push(['user updated', () => storage.users.update('eve', { enabled: false })]);
        changes.push(['user corpus roles', () => storage.users.update('eve', { corpus_roles: [{ corpus_id: corpusId, role: 'viewer' }] })]);
        changes.push(['key created', async () => (keyId = (await storage.apiKeys.create(newKey({ corpus_ids: [corpusId] }))).id)]);
        changes.push(['key disabled', () => storage.apiKeys.setEnabled(keyId, false)]);
        changes.push(['key secret replaced', () => storage.apiKeys.replaceSecret(keyId, fakeHash(), null)]);
        changes.push(['key deleted', () => storage.apiKeys.delete(keyId)]);
        changes.push(['client created', async () => (clientId = (await storage.appClients.create(newClient())).id)]);
        changes.push(['client updated', () => storage.appClients.update(clientId, { api_roles: ['administrator'] })]);
        changes.push(['client deleted', () => storage.appClients.delete(clientId)]);
        changes.push(['user deleted', () => storage.users.delete('eve')]);
        changes.push(['corpus deleted', () => storage.corpora.delete('epoch')]);
        for (const [what, change] of changes) {
          const before = await storage.authEpoch();
          await change();
          expect(await storage.authEpoch(), what).not.toBe(before);
        }
        expect(userId).not.toBe('');
      });

      it('stays put when nothing changes', async () => {
        const before = await storage.authEpoch();
        await storage.users.list({ limit: 10 });
        await storage.apiKeys.getBySecretHash(fakeHash());
        expect(await storage.authEpoch()).toBe(before);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('users', () => {
      it('create returns the stored record with empty credentials and UTC times', async () => {
        const input = newUser({ description: null, enabled: false, api_roles: ['administrator', 'agent_viewer'] });
        const user = await storage.users.create(input);
        expect(user).toEqual({
          ...input,
          password_hash: null,
          reset_code_hash: null,
          reset_code_expires_at: null,
          created_at: user.created_at,
          updated_at: user.updated_at,
        });
        expectIsoUtc(user.created_at);
        expectIsoUtc(user.updated_at);
      });

      it('create stores corpus roles', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const user = await storage.users.create(
          newUser({ corpus_roles: [{ corpus_id: b.id, role: 'viewer' }, { corpus_id: a.id, role: 'editor' }] }),
        );
        const expected = [
          { corpus_id: a.id, role: 'editor' },
          { corpus_id: b.id, role: 'viewer' },
        ];
        const byCorpus = (x: { corpus_id: number }, y: { corpus_id: number }) => x.corpus_id - y.corpus_id;
        expect([...user.corpus_roles].sort(byCorpus)).toEqual(expected);
        expect([...(await storage.users.getById(user.id))!.corpus_roles].sort(byCorpus)).toEqual(expected);
      });

      it('getByUsername and getById find the user; unknown ones are undefined', async () => {
        const created = await storage.users.create(newUser());
        await storage.users.create(newUser());
        expect(await storage.users.getByUsername(created.username)).toEqual(created);
        expect(await storage.users.getById(created.id)).toEqual(created);
        expect(await storage.users.getByUsername('nobody')).toBeUndefined();
        expect(await storage.users.getById('usr_nobody')).toBeUndefined();
        // The two look-ups are not interchangeable.
        expect(await storage.users.getByUsername(created.id)).toBeUndefined();
        expect(await storage.users.getById(created.username)).toBeUndefined();
      });

      it('count counts users', async () => {
        expect(await storage.users.count()).toBe(0);
        await storage.users.create(newUser());
        await storage.users.create(newUser());
        expect(await storage.users.count()).toBe(2);
      });

      it('list pages with keyset paging; `next` is absent on the last page', async () => {
        const created: UserRecord[] = [];
        for (let i = 0; i < 5; i++) created.push(await storage.users.create(newUser()));

        const { pages, all } = await collectPages((p) => storage.users.list(p), 2, (u) => u.id);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(sortedStrs(all.map((u) => u.id))).toEqual(sortedStrs(created.map((u) => u.id)));
        for (const u of all) expect(u).toEqual(created.find((c) => c.id === u.id));

        const one = await storage.users.list({ limit: 10 });
        expect(one.items).toHaveLength(5);
        expect('next' in one).toBe(false);
      });

      it('list: when the count is a multiple of the limit, the last full page has no `next`', async () => {
        for (let i = 0; i < 4; i++) await storage.users.create(newUser());
        const { pages } = await collectPages((p) => storage.users.list(p), 2, (u) => u.id);
        expect(pages.map((p) => p.length)).toEqual([2, 2]);
        const exact = await storage.users.list({ limit: 4 });
        expect(exact.items).toHaveLength(4);
        expect('next' in exact).toBe(false);
      });

      it('list keeps its place when users are added or removed between pages', async () => {
        const created: UserRecord[] = [];
        for (let i = 0; i < 4; i++) created.push(await storage.users.create(newUser()));
        const first = await storage.users.list({ limit: 2 });
        expect(first.items).toHaveLength(2);
        expect(first.next).toBeDefined();
        // Remove the last user shown, add a new one: the rest of the walk neither repeats nor skips.
        await storage.users.delete(first.items[1]!.username);
        const added = await storage.users.create(newUser());
        const rest = await collectPages(
          (p) => storage.users.list(p.after === undefined ? { limit: p.limit, after: first.next! } : p),
          2,
          (u) => u.id,
        );
        const seenFirst = new Set(first.items.map((u) => u.id));
        for (const u of rest.all) expect(seenFirst.has(u.id)).toBe(false);
        const expectedRest = created.filter((u) => !seenFirst.has(u.id)).map((u) => u.id);
        expect(sortedStrs(rest.all.map((u) => u.id))).toEqual(sortedStrs([...expectedRest, added.id]));
      });

      it('list filters by corpusId through corpus roles, across pages', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const inA1 = await storage.users.create(newUser({ corpus_roles: [{ corpus_id: a.id, role: 'viewer' }] }));
        await storage.users.create(newUser({ corpus_roles: [{ corpus_id: b.id, role: 'owner' }] }));
        await storage.users.create(newUser());
        const inA2 = await storage.users.create(
          newUser({ corpus_roles: [{ corpus_id: b.id, role: 'viewer' }, { corpus_id: a.id, role: 'administrator' }] }),
        );
        const inA3 = await storage.users.create(newUser({ corpus_roles: [{ corpus_id: a.id, role: 'editor' }] }));

        const { pages, all } = await collectPages((p) => storage.users.list(p, { corpusId: a.id }), 2, (u) => u.id);
        expect(pages.map((p) => p.length)).toEqual([2, 1]);
        expect(sortedStrs(all.map((u) => u.id))).toEqual(sortedStrs([inA1.id, inA2.id, inA3.id]));

        const onlyB = await storage.users.list({ limit: 10 }, { corpusId: b.id });
        expect(onlyB.items).toHaveLength(2);

        const none = await storage.users.list({ limit: 10 }, { corpusId: await missingCorpusId(storage) });
        expect(none.items).toEqual([]);
        expect('next' in none).toBe(false);

        // An empty filter object is no filter.
        expect((await storage.users.list({ limit: 10 }, {})).items).toHaveLength(5);
      });

      it('update applies a partial patch and leaves every other field untouched', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const user = await storage.users.create(
          newUser({
            enabled: true,
            description: 'before',
            api_roles: ['corpus_administrator'],
            corpus_roles: [{ corpus_id: corpus.id, role: 'editor' }],
          }),
        );
        await storage.users.setPassword(user.username, 'pw-hash');
        await storage.users.setResetCode(user.username, 'code-hash', '2030-01-01T00:00:00.000Z');
        const before = (await storage.users.getByUsername(user.username))!;

        const d = await storage.users.update(user.username, { description: 'after' });
        expect(d).toEqual({ ...before, description: 'after', updated_at: d!.updated_at });
        expect(d!.updated_at >= before.updated_at).toBe(true);
        expectIsoUtc(d!.updated_at);

        const e = await storage.users.update(user.username, { enabled: false });
        expect(e).toEqual({ ...before, description: 'after', enabled: false, updated_at: e!.updated_at });

        const r = await storage.users.update(user.username, { api_roles: ['administrator', 'billing_administrator'] });
        expect(r).toEqual({
          ...before,
          description: 'after',
          enabled: false,
          api_roles: ['administrator', 'billing_administrator'],
          updated_at: r!.updated_at,
        });

        expect(await storage.users.getByUsername(user.username)).toEqual(r);
      });

      it('update with keys present but undefined changes nothing', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const user = await storage.users.create(
          newUser({ description: 'keep', corpus_roles: [{ corpus_id: corpus.id, role: 'viewer' }] }),
        );
        const updated = await storage.users.update(user.username, {
          enabled: undefined,
          description: undefined,
          api_roles: undefined,
          corpus_roles: undefined,
        });
        expect(updated).toEqual({ ...user, updated_at: updated!.updated_at });
      });

      it('update can set the description to null', async () => {
        const user = await storage.users.create(newUser({ description: 'something' }));
        const updated = await storage.users.update(user.username, { description: null });
        expect(updated!.description).toBeNull();
        expect((await storage.users.getById(user.id))!.description).toBeNull();
      });

      it('update replaces corpus_roles as a whole (no merging), and [] clears them', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const c = await storage.corpora.create(newCorpus());
        const user = await storage.users.create(
          newUser({ corpus_roles: [{ corpus_id: a.id, role: 'owner' }, { corpus_id: b.id, role: 'viewer' }] }),
        );

        const replaced = await storage.users.update(user.username, {
          corpus_roles: [{ corpus_id: b.id, role: 'editor' }, { corpus_id: c.id, role: 'viewer' }],
        });
        const byCorpus = (x: { corpus_id: number }, y: { corpus_id: number }) => x.corpus_id - y.corpus_id;
        const expected = [
          { corpus_id: b.id, role: 'editor' },
          { corpus_id: c.id, role: 'viewer' },
        ];
        expect([...replaced!.corpus_roles].sort(byCorpus)).toEqual(expected);
        expect([...(await storage.users.getByUsername(user.username))!.corpus_roles].sort(byCorpus)).toEqual(expected);
        expect((await storage.users.list({ limit: 10 }, { corpusId: a.id })).items).toEqual([]);
        expect((await storage.users.list({ limit: 10 }, { corpusId: c.id })).items.map((u) => u.id)).toEqual([user.id]);
        // Other fields are untouched by a corpus_roles patch.
        expect(replaced!.api_roles).toEqual(user.api_roles);
        expect(replaced!.description).toBe(user.description);

        const cleared = await storage.users.update(user.username, { corpus_roles: [] });
        expect(cleared!.corpus_roles).toEqual([]);
        expect((await storage.users.list({ limit: 10 }, { corpusId: b.id })).items).toEqual([]);
      });

      it('update of an unknown user is undefined and creates nothing', async () => {
        expect(await storage.users.update('nobody', { description: 'x' })).toBeUndefined();
        expect(await storage.users.count()).toBe(0);
      });

      it('update is all or nothing', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const user = await storage.users.create(
          newUser({ description: 'before', corpus_roles: [{ corpus_id: corpus.id, role: 'viewer' }] }),
        );
        // A grant on a corpus that does not exist: an adapter may refuse it or accept it, but if it
        // refuses, nothing of the patch may have been applied.
        const outcome = await settle(
          storage.users.update(user.username, {
            description: 'after',
            enabled: false,
            corpus_roles: [{ corpus_id: await missingCorpusId(storage), role: 'owner' }],
          }),
        );
        if (outcome === 'rejected') {
          expect(await storage.users.getByUsername(user.username)).toEqual(user);
        }
      });

      it('create is all or nothing', async () => {
        const outcome = await settle(
          storage.users.create(newUser({ username: 'ann', corpus_roles: [{ corpus_id: await missingCorpusId(storage), role: 'viewer' }] })),
        );
        if (outcome === 'rejected') {
          expect(await storage.users.getByUsername('ann')).toBeUndefined();
          expect(await storage.users.count()).toBe(0);
        }
      });

      it('setPassword sets, replaces and clears the hash, and touches nothing else', async () => {
        const user = await storage.users.create(newUser());
        expect(await storage.users.setPassword(user.username, 'hash-1')).toBe(true);
        const one = (await storage.users.getByUsername(user.username))!;
        expect(one).toEqual({ ...user, password_hash: 'hash-1', updated_at: one.updated_at });
        expect(one.updated_at >= user.updated_at).toBe(true);

        expect(await storage.users.setPassword(user.username, 'hash-2')).toBe(true);
        expect((await storage.users.getById(user.id))!.password_hash).toBe('hash-2');

        expect(await storage.users.setPassword(user.username, null)).toBe(true);
        expect((await storage.users.getById(user.id))!.password_hash).toBeNull();

        expect(await storage.users.setPassword('nobody', 'hash')).toBe(false);
      });

      it('setResetCode sets and clears the code and its expiry, and touches nothing else', async () => {
        const user = await storage.users.create(newUser());
        await storage.users.setPassword(user.username, 'pw');
        const expires = '2031-02-03T04:05:06.789Z';
        expect(await storage.users.setResetCode(user.username, 'code-hash', expires)).toBe(true);
        const set = (await storage.users.getByUsername(user.username))!;
        expect(set).toEqual({
          ...user,
          password_hash: 'pw',
          reset_code_hash: 'code-hash',
          reset_code_expires_at: expires,
          updated_at: set.updated_at,
        });
        expect(Date.parse(set.reset_code_expires_at!)).toBe(Date.parse(expires));

        expect(await storage.users.setResetCode(user.username, null, null)).toBe(true);
        const cleared = (await storage.users.getById(user.id))!;
        expect(cleared.reset_code_hash).toBeNull();
        expect(cleared.reset_code_expires_at).toBeNull();
        expect(cleared.password_hash).toBe('pw');

        expect(await storage.users.setResetCode('nobody', 'x', expires)).toBe(false);
      });

      it("delete removes the user and that user's personal keys, nothing else", async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const ann = await storage.users.create(newUser({ corpus_roles: [{ corpus_id: corpus.id, role: 'owner' }] }));
        const bob = await storage.users.create(newUser());
        const annKey1 = await storage.apiKeys.create(newKey({ role: 'personal', user_id: ann.id, created_by: ann.id }));
        const annKey2 = await storage.apiKeys.create(newKey({ role: 'personal', user_id: ann.id, created_by: ann.id }));
        const bobKey = await storage.apiKeys.create(newKey({ role: 'personal', user_id: bob.id, created_by: bob.id }));
        // A corpus key that ann created is not hers: it stays.
        const corpusKey = await storage.apiKeys.create(newKey({ created_by: ann.id, corpus_ids: [corpus.id] }));

        expect(await storage.users.delete(ann.username)).toBe(true);

        expect(await storage.users.getByUsername(ann.username)).toBeUndefined();
        expect(await storage.users.getById(ann.id)).toBeUndefined();
        expect(await storage.users.count()).toBe(1);
        for (const k of [annKey1, annKey2]) {
          expect(await storage.apiKeys.getById(k.id)).toBeUndefined();
          expect(await storage.apiKeys.getBySecretHash(k.secret_hash)).toBeUndefined();
        }
        expect((await storage.apiKeys.list({ limit: 10 }, { userId: ann.id })).items).toEqual([]);
        expect(await storage.apiKeys.getById(bobKey.id)).toEqual(bobKey);
        expect(await storage.apiKeys.getById(corpusKey.id)).toEqual(corpusKey);
        expect(await storage.users.getById(bob.id)).toEqual(bob);
        expect((await storage.users.list({ limit: 10 }, { corpusId: corpus.id })).items).toEqual([]);
        expect(await storage.corpora.getById(corpus.id)).toEqual(corpus);

        expect(await storage.users.delete(ann.username)).toBe(false);
        expect(await storage.users.delete('nobody')).toBe(false);
      });

      it('a user re-created under a deleted username inherits nothing', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const old = await storage.users.create(newUser({ username: 'ann', corpus_roles: [{ corpus_id: corpus.id, role: 'owner' }] }));
        await storage.users.setPassword('ann', 'old-pw');
        await storage.apiKeys.create(newKey({ role: 'personal', user_id: old.id }));
        await storage.users.delete('ann');

        const fresh = await storage.users.create(newUser({ username: 'ann' }));
        expect(fresh.id).not.toBe(old.id);
        expect(fresh.corpus_roles).toEqual([]);
        expect(fresh.password_hash).toBeNull();
        expect((await storage.apiKeys.list({ limit: 10 }, { userId: fresh.id })).items).toEqual([]);
        expect((await storage.apiKeys.list({ limit: 10 }, { userId: old.id })).items).toEqual([]);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('apiKeys', () => {
      it('create stores a serving key with its corpus bindings, enabled, with UTC times', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const input = newKey({ role: 'serving_and_indexing', created_by: 'usr_creator', corpus_ids: [b.id, a.id] });
        const key = await storage.apiKeys.create(input);
        expect(key).toEqual({
          ...input,
          corpus_ids: key.corpus_ids,
          enabled: true,
          created_at: key.created_at,
          updated_at: key.updated_at,
        });
        expect(sortedNums(key.corpus_ids)).toEqual(sortedNums([a.id, b.id]));
        expectIsoUtc(key.created_at);
        expectIsoUtc(key.updated_at);
      });

      it('create stores a personal key against its user, with no corpora', async () => {
        const user = await storage.users.create(newUser());
        const input = newKey({ role: 'personal', user_id: user.id, created_by: user.id, secret_encrypted: null });
        const key = await storage.apiKeys.create(input);
        expect(key).toEqual({ ...input, enabled: true, created_at: key.created_at, updated_at: key.updated_at });
        expect(key.corpus_ids).toEqual([]);
        expect(key.secret_encrypted).toBeNull();
      });

      it("a personal key's corpus_ids stay empty, and corpus filters agree with corpus_ids", async () => {
        // types.ts: corpus_ids is "empty for personal keys". Whatever an adapter does with
        // corpus ids passed for a personal key, reading and listing must tell the same story.
        const user = await storage.users.create(newUser());
        const corpus = await storage.corpora.create(newCorpus());
        const outcome = await settle(
          storage.apiKeys.create(newKey({ id: 'aky_personal', role: 'personal', user_id: user.id, corpus_ids: [corpus.id] })),
        );
        if (outcome === 'resolved') {
          const key = (await storage.apiKeys.getById('aky_personal'))!;
          expect(key.corpus_ids).toEqual([]);
          const listed = await storage.apiKeys.list({ limit: 10 }, { corpusId: corpus.id });
          expect(listed.items.map((k) => k.id)).not.toContain('aky_personal');
        } else {
          expect(await storage.apiKeys.getById('aky_personal')).toBeUndefined();
        }
      });

      it('create is all or nothing', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const input = newKey({ id: 'aky_partial', corpus_ids: [corpus.id, await missingCorpusId(storage)] });
        const outcome = await settle(storage.apiKeys.create(input));
        if (outcome === 'rejected') {
          expect(await storage.apiKeys.getById('aky_partial')).toBeUndefined();
          expect(await storage.apiKeys.getBySecretHash(input.secret_hash)).toBeUndefined();
          expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: corpus.id })).items).toEqual([]);
        }
      });

      it('getById and getBySecretHash find the key; unknown ones are undefined', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const key = await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));
        await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));
        expect(await storage.apiKeys.getById(key.id)).toEqual(key);
        expect(await storage.apiKeys.getBySecretHash(key.secret_hash)).toEqual(key);
        expect(await storage.apiKeys.getById('aky_nope')).toBeUndefined();
        expect(await storage.apiKeys.getBySecretHash(fakeHash())).toBeUndefined();
        expect(await storage.apiKeys.getBySecretHash(key.id)).toBeUndefined();
      });

      it('list pages with keyset paging; `next` is absent on the last page', async () => {
        const created: ApiKeyRecord[] = [];
        for (let i = 0; i < 5; i++) created.push(await storage.apiKeys.create(newKey()));
        const { pages, all } = await collectPages((p) => storage.apiKeys.list(p), 2, (k) => k.id);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(sortedStrs(all.map((k) => k.id))).toEqual(sortedStrs(created.map((k) => k.id)));
        for (const k of all) expect(k).toEqual(created.find((c) => c.id === k.id));

        const exact = await collectPages((p) => storage.apiKeys.list(p), 5, (k) => k.id);
        expect(exact.pages.map((p) => p.length)).toEqual([5]);
      });

      it('list filters by corpusId, role and userId, alone and together, across pages', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const ann = await storage.users.create(newUser());
        const bob = await storage.users.create(newUser());

        const sA = await storage.apiKeys.create(newKey({ role: 'serving', corpus_ids: [a.id] }));
        const sAB = await storage.apiKeys.create(newKey({ role: 'serving', corpus_ids: [a.id, b.id] }));
        const iA = await storage.apiKeys.create(newKey({ role: 'serving_and_indexing', corpus_ids: [a.id] }));
        const iB = await storage.apiKeys.create(newKey({ role: 'serving_and_indexing', corpus_ids: [b.id] }));
        const pAnn = await storage.apiKeys.create(newKey({ role: 'personal', user_id: ann.id }));
        const pBob = await storage.apiKeys.create(newKey({ role: 'personal', user_id: bob.id }));
        const sA2 = await storage.apiKeys.create(newKey({ role: 'serving', corpus_ids: [a.id] }));

        const ids = async (filter: Parameters<Storage['apiKeys']['list']>[1], limit = 2) =>
          sortedStrs((await collectPages((p) => storage.apiKeys.list(p, filter), limit, (k) => k.id)).all.map((k) => k.id));

        expect(await ids({ corpusId: a.id })).toEqual(sortedStrs([sA.id, sAB.id, iA.id, sA2.id]));
        expect(await ids({ corpusId: b.id })).toEqual(sortedStrs([sAB.id, iB.id]));
        expect(await ids({ role: 'serving' })).toEqual(sortedStrs([sA.id, sAB.id, sA2.id]));
        expect(await ids({ role: 'serving_and_indexing' })).toEqual(sortedStrs([iA.id, iB.id]));
        expect(await ids({ role: 'personal' })).toEqual(sortedStrs([pAnn.id, pBob.id]));
        expect(await ids({ userId: ann.id })).toEqual([pAnn.id]);
        expect(await ids({ corpusId: a.id, role: 'serving' })).toEqual(sortedStrs([sA.id, sAB.id, sA2.id]));
        expect(await ids({ corpusId: b.id, role: 'serving' })).toEqual([sAB.id]);
        expect(await ids({ role: 'personal', userId: bob.id })).toEqual([pBob.id]);
        expect(await ids({ role: 'serving', userId: bob.id })).toEqual([]);
        expect(await ids({ corpusId: await missingCorpusId(storage) })).toEqual([]);
        expect(await ids({ userId: 'usr_nobody' })).toEqual([]);
        expect(await ids({}, 3)).toHaveLength(7);
        expect(await ids(undefined, 100)).toHaveLength(7);

        // The filtered walk pages exactly: 4 keys of corpus a with limit 2 is 2 + 2 and no `next`.
        const walk = await collectPages((p) => storage.apiKeys.list(p, { corpusId: a.id }), 2, (k) => k.id);
        expect(walk.pages.map((p) => p.length)).toEqual([2, 2]);
        // Listed records carry their full bindings, not just the filtered corpus.
        expect(sortedNums(walk.all.find((k) => k.id === sAB.id)!.corpus_ids)).toEqual(sortedNums([a.id, b.id]));
      });

      it('setEnabled turns a key off and on, and touches nothing else', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const key = await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));

        const off = await storage.apiKeys.setEnabled(key.id, false);
        expect(off).toEqual({ ...key, enabled: false, updated_at: off!.updated_at });
        expect(off!.updated_at >= key.updated_at).toBe(true);
        expect(await storage.apiKeys.getById(key.id)).toEqual(off);
        expect((await storage.apiKeys.getBySecretHash(key.secret_hash))!.enabled).toBe(false);

        const on = await storage.apiKeys.setEnabled(key.id, true);
        expect(on).toEqual({ ...key, enabled: true, updated_at: on!.updated_at });
        expect((await storage.apiKeys.getBySecretHash(key.secret_hash))!.enabled).toBe(true);

        expect(await storage.apiKeys.setEnabled('aky_nope', false)).toBeUndefined();
        expect(await storage.apiKeys.getById('aky_nope')).toBeUndefined();
      });

      it('replaceSecret makes the old hash unfindable at once and keeps everything else', async () => {
        const user = await storage.users.create(newUser());
        const key = await storage.apiKeys.create(newKey({ role: 'personal', user_id: user.id, created_by: user.id }));
        await storage.apiKeys.setEnabled(key.id, false);
        const newHash = fakeHash();

        const replaced = await storage.apiKeys.replaceSecret(key.id, newHash, 'sealed-new');
        expect(replaced).toEqual({
          ...key,
          enabled: false,
          secret_hash: newHash,
          secret_encrypted: 'sealed-new',
          updated_at: replaced!.updated_at,
        });
        expect(await storage.apiKeys.getBySecretHash(key.secret_hash)).toBeUndefined();
        expect(await storage.apiKeys.getBySecretHash(newHash)).toEqual(replaced);
        expect(await storage.apiKeys.getById(key.id)).toEqual(replaced);

        const showOnce = await storage.apiKeys.replaceSecret(key.id, fakeHash(), null);
        expect(showOnce!.secret_encrypted).toBeNull();
        expect(await storage.apiKeys.getBySecretHash(newHash)).toBeUndefined();

        expect(await storage.apiKeys.replaceSecret('aky_nope', fakeHash(), null)).toBeUndefined();
      });

      it('replaceSecret keeps corpus bindings', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const key = await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));
        const replaced = await storage.apiKeys.replaceSecret(key.id, fakeHash(), 'x');
        expect(replaced!.corpus_ids).toEqual([corpus.id]);
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: corpus.id })).items.map((k) => k.id)).toEqual([key.id]);
      });

      it('delete removes the key and its bindings', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const key = await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));
        const other = await storage.apiKeys.create(newKey({ corpus_ids: [corpus.id] }));

        expect(await storage.apiKeys.delete(key.id)).toBe(true);
        expect(await storage.apiKeys.getById(key.id)).toBeUndefined();
        expect(await storage.apiKeys.getBySecretHash(key.secret_hash)).toBeUndefined();
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: corpus.id })).items.map((k) => k.id)).toEqual([other.id]);
        expect(await storage.apiKeys.getById(other.id)).toEqual(other);
        expect(await storage.corpora.getById(corpus.id)).toEqual(corpus);

        expect(await storage.apiKeys.delete(key.id)).toBe(false);
        expect(await storage.apiKeys.delete('aky_nope')).toBe(false);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('appClients', () => {
      it('create returns the stored record with UTC times', async () => {
        const input = newClient({ description: null, client_secret_encrypted: null });
        const client = await storage.appClients.create(input);
        expect(client).toEqual({ ...input, created_at: client.created_at, updated_at: client.updated_at });
        expectIsoUtc(client.created_at);
        expectIsoUtc(client.updated_at);
      });

      it('getById and getByClientId find the client; unknown ones are undefined', async () => {
        const client = await storage.appClients.create(newClient());
        await storage.appClients.create(newClient());
        expect(await storage.appClients.getById(client.id)).toEqual(client);
        expect(await storage.appClients.getByClientId(client.client_id)).toEqual(client);
        expect(await storage.appClients.getById('app_nope')).toBeUndefined();
        expect(await storage.appClients.getByClientId('cid_nope')).toBeUndefined();
        expect(await storage.appClients.getById(client.client_id)).toBeUndefined();
        expect(await storage.appClients.getByClientId(client.id)).toBeUndefined();
      });

      it('list pages with keyset paging; `next` is absent on the last page', async () => {
        const created: AppClientRecord[] = [];
        for (let i = 0; i < 5; i++) created.push(await storage.appClients.create(newClient()));
        const { pages, all } = await collectPages((p) => storage.appClients.list(p), 2, (c) => c.id);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(sortedStrs(all.map((c) => c.id))).toEqual(sortedStrs(created.map((c) => c.id)));
        for (const c of all) expect(c).toEqual(created.find((x) => x.id === c.id));
        const one = await storage.appClients.list({ limit: 5 });
        expect(one.items).toHaveLength(5);
        expect('next' in one).toBe(false);
      });

      it('list filters with nameRegex using JavaScript regular expression semantics', async () => {
        const names = [
          'search-1',
          'search-22',
          'search-ops',
          'Search-3',
          'echo-echo',
          'echo-delta',
          'my search-4 app',
          'a.b',
          'axb',
        ];
        for (const n of names) await storage.appClients.create(newClient({ name: n }));

        const match = async (nameRegex: string, limit = 100) =>
          sortedStrs(
            (await collectPages((p) => storage.appClients.list(p, { nameRegex }), limit, (c) => c.id)).all.map((c) => c.name),
          );

        // Unanchored search, like RegExp.prototype.test.
        expect(await match('search')).toEqual(sortedStrs(['search-1', 'search-22', 'search-ops', 'my search-4 app']));
        // Anchors and \d.
        expect(await match('^search-\\d+$')).toEqual(sortedStrs(['search-1', 'search-22']));
        // Case-sensitive by default.
        expect(await match('^Search')).toEqual(['Search-3']);
        // Character classes and escapes.
        expect(await match('^[Ss]earch-\\d$')).toEqual(sortedStrs(['search-1', 'Search-3']));
        expect(await match('^a\\.b$')).toEqual(['a.b']);
        expect(await match('^a.b$')).toEqual(sortedStrs(['a.b', 'axb']));
        // Lookahead.
        expect(await match('^search-(?!ops)')).toEqual(sortedStrs(['search-1', 'search-22']));
        // Named groups and named back-references are JavaScript syntax.
        expect(await match('^(?<word>[a-z]+)-\\k<word>$')).toEqual(['echo-echo']);
        // Nothing matches.
        expect(await match('^zzz')).toEqual([]);

        // Paging under the filter: 4 matches with limit 2 is 2 + 2 and no `next`.
        const walk = await collectPages((p) => storage.appClients.list(p, { nameRegex: 'search' }), 2, (c) => c.id);
        expect(walk.pages.map((p) => p.length)).toEqual([2, 2]);

        expect((await storage.appClients.list({ limit: 100 }, {})).items).toHaveLength(names.length);
      });

      it('update applies a partial patch and leaves every other field untouched', async () => {
        const client = await storage.appClients.create(newClient({ description: 'before', api_roles: ['administrator'] }));

        const d = await storage.appClients.update(client.id, { description: 'after' });
        expect(d).toEqual({ ...client, description: 'after', updated_at: d!.updated_at });
        expect(d!.updated_at >= client.updated_at).toBe(true);

        const r = await storage.appClients.update(client.id, { api_roles: ['corpus_administrator', 'agent_developer'] });
        expect(r).toEqual({
          ...client,
          description: 'after',
          api_roles: ['corpus_administrator', 'agent_developer'],
          updated_at: r!.updated_at,
        });

        const n = await storage.appClients.update(client.id, { description: null, api_roles: undefined });
        expect(n).toEqual({ ...r, description: null, updated_at: n!.updated_at });

        const empty = await storage.appClients.update(client.id, { api_roles: [] });
        expect(empty!.api_roles).toEqual([]);

        expect(await storage.appClients.getByClientId(client.client_id)).toEqual(empty);
        expect(await storage.appClients.update('app_nope', { description: 'x' })).toBeUndefined();
        expect(await storage.appClients.getById('app_nope')).toBeUndefined();
      });

      it('delete removes the client', async () => {
        const client = await storage.appClients.create(newClient());
        const other = await storage.appClients.create(newClient());
        expect(await storage.appClients.delete(client.id)).toBe(true);
        expect(await storage.appClients.getById(client.id)).toBeUndefined();
        expect(await storage.appClients.getByClientId(client.client_id)).toBeUndefined();
        expect((await storage.appClients.list({ limit: 10 })).items).toEqual([other]);
        expect(await storage.appClients.delete(client.id)).toBe(false);
        expect(await storage.appClients.delete('app_nope')).toBe(false);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('corpora', () => {
      it('create returns the stored record with a numeric id, enabled, with a UTC time', async () => {
        const input = newCorpus({
          description: 'Annual reports',
          save_history: true,
          queries_are_answers: true,
          documents_are_questions: false,
          filter_attributes: [
            { name: 'year', level: 'document', description: 'Publication year', indexed: true, type: 'integer' },
            { name: 'tags', level: 'part', indexed: false, type: 'list[text]' },
          ],
          custom_dimensions: [{ name: 'boost', description: 'Editorial boost', indexing_default: 0, querying_default: 1.5 }],
        });
        const corpus = await storage.corpora.create(input);
        expect(corpus).toEqual({ ...input, id: corpus.id, enabled: true, vector_dimensions: null, created_at: corpus.created_at });
        expect(Number.isInteger(corpus.id)).toBe(true);
        expect(corpus.id).toBeGreaterThan(0);
        expectIsoUtc(corpus.created_at);
        // Optional properties that were absent stay absent (no `description: null` appears).
        expect('description' in corpus.filter_attributes[1]!).toBe(false);
      });

      it('ids are distinct', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const c = await storage.corpora.create(newCorpus());
        expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      });

      it('create with a key that is taken throws a 409 QuarryError and changes nothing', async () => {
        const first = await storage.corpora.create(newCorpus({ key: 'docs', name: 'First' }));
        let caught: unknown;
        try {
          await storage.corpora.create(newCorpus({ key: 'docs', name: 'Second' }));
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(QuarryError);
        expect((caught as QuarryError).status).toBe(409);
        expect((caught as QuarryError).message).toContain('docs');
        expect(await storage.corpora.getByKey('docs')).toEqual(first);
        expect((await storage.corpora.list({ limit: 10 })).items).toEqual([first]);
      });

      it('getByKey and getById find the corpus; unknown ones are undefined', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        await storage.corpora.create(newCorpus());
        expect(await storage.corpora.getByKey(corpus.key)).toEqual(corpus);
        expect(await storage.corpora.getById(corpus.id)).toEqual(corpus);
        expect(await storage.corpora.getByKey('nope')).toBeUndefined();
        expect(await storage.corpora.getById(await missingCorpusId(storage))).toBeUndefined();
      });

      it('keys are exact, case-sensitive matches', async () => {
        const lower = await storage.corpora.create(newCorpus({ key: 'docs' }));
        expect(await storage.corpora.getByKey('DOCS')).toBeUndefined();
        expect(await storage.corpora.getByKey('doc')).toBeUndefined();
        expect(await storage.corpora.getByKey('doc%')).toBeUndefined();
        const upper = await storage.corpora.create(newCorpus({ key: 'DOCS' }));
        expect(upper.id).not.toBe(lower.id);
        expect(await storage.corpora.getByKey('docs')).toEqual(lower);
        expect(await storage.corpora.getByKey('DOCS')).toEqual(upper);
      });

      it('getManyByKey returns the corpora found, skipping unknown keys and repeats', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        await storage.corpora.create(newCorpus());
        const found = await storage.corpora.getManyByKey([b.key, 'nope', a.key, b.key]);
        const byId = (x: CorpusRecord, y: CorpusRecord) => x.id - y.id;
        expect([...found].sort(byId)).toEqual([a, b].sort(byId));
        expect(await storage.corpora.getManyByKey([])).toEqual([]);
        expect(await storage.corpora.getManyByKey(['nope', 'nada'])).toEqual([]);
      });

      it('list pages with keyset paging; `next` is absent on the last page', async () => {
        const created: CorpusRecord[] = [];
        for (let i = 0; i < 5; i++) created.push(await storage.corpora.create(newCorpus()));
        const { pages, all } = await collectPages((p) => storage.corpora.list(p), 2, (c) => c.id);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(sortedNums(all.map((c) => c.id))).toEqual(sortedNums(created.map((c) => c.id)));
        for (const c of all) expect(c).toEqual(created.find((x) => x.id === c.id));
        const exact = await collectPages((p) => storage.corpora.list(p), 5, (c) => c.id);
        expect(exact.pages.map((p) => p.length)).toEqual([5]);
      });

      it('list filters by onlyIds, ids and nameRegex (name or description), together and across pages', async () => {
        const c1 = await storage.corpora.create(newCorpus({ name: 'Finance reports', description: 'Quarterly numbers' }));
        const c2 = await storage.corpora.create(newCorpus({ name: 'Engineering wiki', description: 'Finance tooling notes' }));
        const c3 = await storage.corpora.create(newCorpus({ name: 'Support tickets', description: 'Customer issues' }));
        const c4 = await storage.corpora.create(newCorpus({ name: 'finance archive', description: '' }));
        const c5 = await storage.corpora.create(newCorpus({ name: 'HR handbook', description: 'Policies' }));
        const missing = await missingCorpusId(storage);

        type Filter = Parameters<Storage['corpora']['list']>[1];
        const ids = async (filter: Filter, limit = 2) =>
          sortedNums((await collectPages((p) => storage.corpora.list(p, filter), limit, (c) => c.id)).all.map((c) => c.id));

        expect(await ids({ onlyIds: [c1.id, c3.id, c5.id] })).toEqual(sortedNums([c1.id, c3.id, c5.id]));
        expect(await ids({ onlyIds: [c2.id, missing] })).toEqual([c2.id]);
        // A key bound to no corpora sees none: an empty onlyIds is not "no restriction".
        expect(await ids({ onlyIds: [] })).toEqual([]);

        expect(await ids({ ids: [c4.id, c2.id] })).toEqual(sortedNums([c2.id, c4.id]));
        expect(await ids({ ids: [missing] })).toEqual([]);
        // Both restrict: the result is their intersection.
        expect(await ids({ onlyIds: [c1.id, c2.id, c3.id], ids: [c2.id, c3.id, c4.id] })).toEqual(sortedNums([c2.id, c3.id]));

        // nameRegex matches the name or the description; case-sensitive JavaScript semantics.
        expect(await ids({ nameRegex: 'Finance' })).toEqual(sortedNums([c1.id, c2.id]));
        expect(await ids({ nameRegex: '[Ff]inance' })).toEqual(sortedNums([c1.id, c2.id, c4.id]));
        expect(await ids({ nameRegex: '^Finance' })).toEqual(sortedNums([c1.id, c2.id]));
        expect(await ids({ nameRegex: 'issues$' })).toEqual([c3.id]);
        expect(await ids({ nameRegex: '^(?<w>[A-Z])[a-z]+ \\w+$' })).toEqual(
          sortedNums([c1.id, c2.id, c3.id]),
        );
        expect(await ids({ nameRegex: 'nothing-like-this' })).toEqual([]);
        expect(await ids({ nameRegex: '[Ff]inance', onlyIds: [c2.id, c3.id, c4.id] })).toEqual(sortedNums([c2.id, c4.id]));
        expect(await ids({ nameRegex: '[Ff]inance', ids: [c1.id, c5.id] })).toEqual([c1.id]);

        expect(await ids({}, 3)).toHaveLength(5);
        expect(await ids(undefined, 100)).toHaveLength(5);

        // Paging under a filter: 3 matches with limit 2 is 2 + 1.
        const walk = await collectPages((p) => storage.corpora.list(p, { nameRegex: '[Ff]inance' }), 2, (c) => c.id);
        expect(walk.pages.map((p) => p.length)).toEqual([2, 1]);
      });

      it('delete removes the corpus and its bindings to keys and user roles, nothing else', async () => {
        const gone = await storage.corpora.create(newCorpus());
        const kept = await storage.corpora.create(newCorpus());
        const both = await storage.apiKeys.create(newKey({ corpus_ids: [gone.id, kept.id] }));
        const onlyGone = await storage.apiKeys.create(newKey({ corpus_ids: [gone.id] }));
        const user = await storage.users.create(
          newUser({ corpus_roles: [{ corpus_id: gone.id, role: 'owner' }, { corpus_id: kept.id, role: 'viewer' }] }),
        );
        const onlyGoneUser = await storage.users.create(newUser({ corpus_roles: [{ corpus_id: gone.id, role: 'editor' }] }));

        expect(await storage.corpora.delete(gone.key)).toBe(true);

        expect(await storage.corpora.getByKey(gone.key)).toBeUndefined();
        expect(await storage.corpora.getById(gone.id)).toBeUndefined();
        expect(await storage.corpora.getManyByKey([gone.key, kept.key])).toEqual([kept]);
        expect((await storage.corpora.list({ limit: 10 })).items).toEqual([kept]);

        // Keys survive, without the binding.
        expect((await storage.apiKeys.getById(both.id))!.corpus_ids).toEqual([kept.id]);
        expect((await storage.apiKeys.getBySecretHash(both.secret_hash))!.corpus_ids).toEqual([kept.id]);
        expect((await storage.apiKeys.getById(onlyGone.id))!.corpus_ids).toEqual([]);
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: gone.id })).items).toEqual([]);
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: kept.id })).items.map((k) => k.id)).toEqual([both.id]);

        // Users survive, without the role.
        expect((await storage.users.getById(user.id))!.corpus_roles).toEqual([{ corpus_id: kept.id, role: 'viewer' }]);
        expect((await storage.users.getById(onlyGoneUser.id))!.corpus_roles).toEqual([]);
        expect((await storage.users.list({ limit: 10 }, { corpusId: gone.id })).items).toEqual([]);
        expect(await storage.users.count()).toBe(2);

        expect(await storage.corpora.getById(kept.id)).toEqual(kept);
        expect(await storage.corpora.delete(gone.key)).toBe(false);
        expect(await storage.corpora.delete('nope')).toBe(false);
      });

      it('a corpus re-created with the same key gets a new id and inherits no bindings', async () => {
        const other = await storage.corpora.create(newCorpus());
        // The re-created corpus is the newest one, so an adapter that reuses the highest id fails here.
        const old = await storage.corpora.create(newCorpus({ key: 'docs' }));
        const key = await storage.apiKeys.create(newKey({ corpus_ids: [old.id, other.id] }));
        const user = await storage.users.create(newUser({ corpus_roles: [{ corpus_id: old.id, role: 'owner' }] }));

        expect(await storage.corpora.delete('docs')).toBe(true);
        const fresh = await storage.corpora.create(newCorpus({ key: 'docs' }));

        expect(fresh.id).not.toBe(old.id);
        expect(fresh.id).not.toBe(other.id);
        expect(await storage.corpora.getByKey('docs')).toEqual(fresh);
        expect(await storage.corpora.getById(old.id)).toBeUndefined();

        const keyNow = (await storage.apiKeys.getById(key.id))!;
        expect(keyNow.corpus_ids).toEqual([other.id]);
        expect(keyNow.corpus_ids).not.toContain(fresh.id);
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: fresh.id })).items).toEqual([]);

        expect((await storage.users.getById(user.id))!.corpus_roles).toEqual([]);
        expect((await storage.users.list({ limit: 10 }, { corpusId: fresh.id })).items).toEqual([]);

        // And it happens again on a second round.
        await storage.corpora.delete('docs');
        const third = await storage.corpora.create(newCorpus({ key: 'docs' }));
        expect(new Set([old.id, fresh.id, third.id]).size).toBe(3);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('records are plain values', () => {
      const expectPlain = (value: object): void => {
        expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
        expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      };

      it('users: mutating a returned record or the input does not change storage', async () => {
        const corpus = await storage.corpora.create(newCorpus());
        const input = newUser({ api_roles: ['administrator'], corpus_roles: [{ corpus_id: corpus.id, role: 'viewer' }] });
        const created = await storage.users.create(input);
        const snapshot = structuredClone(created);
        expectPlain(created);

        input.api_roles.push('owner');
        input.corpus_roles.push({ corpus_id: corpus.id + 1, role: 'owner' });
        created.api_roles.push('owner');
        created.corpus_roles[0]!.role = 'owner';
        created.corpus_roles.push({ corpus_id: 999, role: 'owner' });
        created.username = 'hijacked';
        created.enabled = false;

        const fetched = (await storage.users.getById(snapshot.id))!;
        expect(fetched).toEqual(snapshot);
        fetched.api_roles.length = 0;
        expect(await storage.users.getByUsername(snapshot.username)).toEqual(snapshot);

        const listed = (await storage.users.list({ limit: 10 })).items[0]!;
        expectPlain(listed);
        listed.corpus_roles.length = 0;
        expect(await storage.users.getById(snapshot.id)).toEqual(snapshot);

        const patch = { api_roles: ['corpus_developer' as const] };
        const updated = (await storage.users.update(snapshot.username, patch))!;
        patch.api_roles.push('corpus_developer');
        updated.api_roles.push('owner');
        expect((await storage.users.getById(snapshot.id))!.api_roles).toEqual(['corpus_developer']);
      });

      it('api keys: mutating a returned record or the input does not change storage', async () => {
        const a = await storage.corpora.create(newCorpus());
        const b = await storage.corpora.create(newCorpus());
        const input = newKey({ corpus_ids: [a.id] });
        const created = await storage.apiKeys.create(input);
        const snapshot = structuredClone(created);
        expectPlain(created);

        input.corpus_ids.push(b.id);
        created.corpus_ids.push(b.id);
        created.enabled = false;
        created.secret_hash = 'changed';

        const fetched = (await storage.apiKeys.getById(snapshot.id))!;
        expect(fetched).toEqual(snapshot);
        fetched.corpus_ids.length = 0;
        expect(await storage.apiKeys.getBySecretHash(snapshot.secret_hash)).toEqual(snapshot);
        expect(await storage.apiKeys.getBySecretHash('changed')).toBeUndefined();
        expect((await storage.apiKeys.list({ limit: 10 }, { corpusId: b.id })).items).toEqual([]);

        const listed = (await storage.apiKeys.list({ limit: 10 })).items[0]!;
        expectPlain(listed);
        listed.corpus_ids.push(999);
        expect(await storage.apiKeys.getById(snapshot.id)).toEqual(snapshot);
      });

      it('app clients: mutating a returned record or the input does not change storage', async () => {
        const input = newClient({ api_roles: ['administrator'] });
        const created = await storage.appClients.create(input);
        const snapshot = structuredClone(created);
        expectPlain(created);

        input.api_roles.push('owner');
        created.api_roles.push('owner');
        created.name = 'hijacked';

        const fetched = (await storage.appClients.getById(snapshot.id))!;
        expect(fetched).toEqual(snapshot);
        fetched.api_roles.length = 0;
        expect(await storage.appClients.getByClientId(snapshot.client_id)).toEqual(snapshot);

        const listed = (await storage.appClients.list({ limit: 10 })).items[0]!;
        expectPlain(listed);
        listed.api_roles.push('owner');
        expect(await storage.appClients.getById(snapshot.id)).toEqual(snapshot);
      });

      it('corpora: mutating a returned record or the input does not change storage', async () => {
        const input = newCorpus({
          filter_attributes: [{ name: 'year', level: 'document', indexed: true, type: 'integer' }],
          custom_dimensions: [{ name: 'boost', indexing_default: 0, querying_default: 1 }],
        });
        const created = await storage.corpora.create(input);
        const snapshot = structuredClone(created);
        expectPlain(created);

        input.filter_attributes.push({ name: 'x', level: 'part', indexed: false, type: 'text' });
        created.filter_attributes[0]!.name = 'changed';
        created.custom_dimensions.length = 0;
        created.name = 'hijacked';

        const fetched = (await storage.corpora.getById(snapshot.id))!;
        expect(fetched).toEqual(snapshot);
        fetched.filter_attributes.length = 0;
        expect(await storage.corpora.getByKey(snapshot.key)).toEqual(snapshot);

        const many = await storage.corpora.getManyByKey([snapshot.key]);
        expectPlain(many[0]!);
        many[0]!.custom_dimensions[0]!.querying_default = 42;
        const listed = (await storage.corpora.list({ limit: 10 })).items[0]!;
        expectPlain(listed);
        listed.filter_attributes[0]!.indexed = false;
        expect(await storage.corpora.getById(snapshot.id)).toEqual(snapshot);
      });

      it('pages are fresh values too', async () => {
        await storage.corpora.create(newCorpus());
        const page = await storage.corpora.list({ limit: 10 });
        page.items.length = 0;
        expect((await storage.corpora.list({ limit: 10 })).items).toHaveLength(1);
      });
    });
  });
}
