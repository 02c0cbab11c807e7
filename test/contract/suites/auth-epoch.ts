/**
 * Storage contract, authEpoch: it moves on every change authentication depends on.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { fakeHash, newClient, newCorpus, newKey, newUser } from '../builders.js';

export function describeAuthEpoch(getStorage: GetStorage): void {
  describe('authEpoch', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
