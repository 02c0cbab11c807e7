/**
 * Builders and helpers shared by the storage contract's suites (./suites/*.ts): records to create,
 * the keyset-paging walker, and small assertion helpers. They only use the public interfaces of
 * src/storage/types.ts.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type {
  NewApiKey,
  NewAppClient,
  NewCorpus,
  NewUser,
  Page,
  PageRequest,
  Storage,
} from '../../src/storage/types.js';

/** How a suite reaches the storage under test: a fresh one is made before each test. */
export type GetStorage = () => Storage;

let counter = 0;
export const unique = (prefix: string): string => `${prefix}${++counter}_${randomUUID().slice(0, 8)}`;
export const fakeHash = (): string => randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');

export const newUser = (over: Partial<NewUser> = {}): NewUser => {
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

export const newKey = (over: Partial<NewApiKey> = {}): NewApiKey => ({
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

export const newClient = (over: Partial<NewAppClient> = {}): NewAppClient => ({
  id: unique('app_'),
  name: unique('client-'),
  description: 'an app client',
  client_id: unique('cid_'),
  client_secret_hash: fakeHash(),
  client_secret_encrypted: 'sealed-client-secret',
  api_roles: ['administrator'],
  ...over,
});

export const newCorpus = (over: Partial<NewCorpus> = {}): NewCorpus => ({
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
export const expectIsoUtc = (value: string): void => {
  expect(value).toMatch(ISO_UTC);
  expect(Number.isNaN(Date.parse(value))).toBe(false);
};

export const sortedNums = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
export const sortedStrs = (xs: string[]): string[] => [...xs].sort();

/**
 * Walks every page with the given limit and checks the keyset paging contract on the way:
 * every page but the last is full and carries a numeric `next`; the last page has no `next`
 * property at all; no item appears twice.
 */
export async function collectPages<T>(
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
export const settle = async (p: Promise<unknown>): Promise<'resolved' | 'rejected'> =>
  p.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );

/** The corpus id that no corpus has: larger than any created so far. */
export const missingCorpusId = async (storage: Storage): Promise<number> => {
  const { all } = await collectPages((p) => storage.corpora.list(p), 100, (c) => c.id);
  return Math.max(0, ...all.map((c) => c.id)) + 1_000_000;
};
