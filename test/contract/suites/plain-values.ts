/**
 * Storage contract, records are plain values: nothing a caller mutates reaches storage.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { newClient, newCorpus, newKey, newUser } from '../builders.js';

export function describePlainValues(getStorage: GetStorage): void {
  describe('records are plain values', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
