/**
 * Storage contract, API keys: create, read, list and filter, enable, replace secrets, delete.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import {
  collectPages,
  expectIsoUtc,
  fakeHash,
  missingCorpusId,
  newCorpus,
  newKey,
  newUser,
  settle,
  sortedNums,
  sortedStrs,
} from '../builders.js';

export function describeApiKeys(getStorage: GetStorage): void {
  describe('apiKeys', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
