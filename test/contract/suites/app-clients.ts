/**
 * Storage contract, app clients: create, read, list with nameRegex, update, delete.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppClientRecord, Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { collectPages, expectIsoUtc, newClient, sortedStrs } from '../builders.js';

export function describeAppClients(getStorage: GetStorage): void {
  describe('appClients', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
