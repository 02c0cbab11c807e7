/**
 * The storage contract: one suite that every adapter of src/storage/types.ts must pass.
 *
 * An adapter's test file calls `runStorageContract(name, makeStorage)`; each test gets a fresh,
 * empty storage from `makeStorage` and calls its `cleanup` afterwards (which closes the storage
 * and removes whatever it made). The suite only uses the public interfaces, so SQLite today and
 * PostgreSQL later run exactly the same checks.
 *
 * The checks live by area in ./suites/*.ts, with the builders and helpers they share in
 * ./builders.ts; this file holds the entry point and the per-test set-up and clean-up.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Storage } from '../../src/storage/types.js';
import { describeApiKeys } from './suites/api-keys.js';
import { describeAppClients } from './suites/app-clients.js';
import { describeAuthEpoch } from './suites/auth-epoch.js';
import { describeChats } from './suites/chats.js';
import { describeCorpora } from './suites/corpora.js';
import { describeLlms } from './suites/llms.js';
import { describePlainValues } from './suites/plain-values.js';
import { describeStorage } from './suites/storage.js';
import { describeUsers } from './suites/users.js';

export type MakeStorage = () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;

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

    // beforeEach replaces the storage, so the suites ask for the current one rather than hold it.
    const getStorage = (): Storage => storage;

    describeStorage(getStorage);
    describeAuthEpoch(getStorage);
    describeUsers(getStorage);
    describeApiKeys(getStorage);
    describeAppClients(getStorage);
    describeCorpora(getStorage);
    describePlainValues(getStorage);
    describeLlms(getStorage);
    describeChats(getStorage);
  });
}
