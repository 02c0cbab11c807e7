/**
 * Storage contract, users: create, read, list with keyset paging, update, passwords and reset codes, delete.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage, UserRecord } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import {
  collectPages,
  expectIsoUtc,
  missingCorpusId,
  newCorpus,
  newKey,
  newUser,
  settle,
  sortedStrs,
} from '../builders.js';

export function describeUsers(getStorage: GetStorage): void {
  describe('users', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
