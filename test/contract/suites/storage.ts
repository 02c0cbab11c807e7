/**
 * Storage contract, the storage itself: it describes itself, pings, and starts empty.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';

export function describeStorage(getStorage: GetStorage): void {
  describe('storage', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

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
}
