/**
 * Storage contract, corpora: create, unique keys, read, list and filter, delete and re-create.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import type { CorpusRecord, Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { collectPages, expectIsoUtc, missingCorpusId, newCorpus, newKey, newUser, sortedNums } from '../builders.js';

export function describeCorpora(getStorage: GetStorage): void {
  describe('corpora', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
