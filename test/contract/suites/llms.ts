/**
 * Storage contract, LLMs: create with adapter-assigned ids, unique names, read, list with paging
 * and nameRegex, delete.
 * Registered by runStorageContract (../storage.contract.ts), whose beforeEach makes the storage
 * that `getStorage` returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { QuarryError } from '../../../src/domain/errors.js';
import type { LlmRecord, NewLlm, Storage } from '../../../src/storage/types.js';
import type { GetStorage } from '../builders.js';
import { collectPages, expectIsoUtc, unique } from '../builders.js';

const newLlm = (over: Partial<NewLlm> = {}): NewLlm => ({
  name: unique('llm-'),
  description: 'a remote model',
  type: 'openai-compatible',
  model: 'gpt-test',
  uri: 'https://llm.example.com/v1/chat/completions',
  auth_encrypted: 'sealed-auth',
  headers: { 'x-team': 'search' },
  test_model_parameters: { temperature: 0, max_tokens: 5 },
  ...over,
});

/**
 * The number in `llm_<n>`. The LLM service lists built-ins at positions below 100 ahead of the
 * stored LLMs and pages through both with one number, so stored ids start at 100 and a page's
 * `next` is the number of its last item.
 */
const numberOf = (id: string): number => {
  expect(id).toMatch(/^llm_[1-9]\d*$/);
  return Number(id.slice('llm_'.length));
};

export function describeLlms(getStorage: GetStorage): void {
  describe('llms', () => {
    let storage: Storage;
    beforeEach(() => {
      storage = getStorage();
    });

    it('create assigns an llm_<n> id (n from 100) and returns the stored record, enabled, with a UTC time', async () => {
      const input = newLlm({
        headers: { 'x-a': '1', 'X-B': 'two words' },
        test_model_parameters: { temperature: 0.2, stop: ['\n'], nested: { top_p: 0.9, flag: true, none: null } },
      });
      const llm = await storage.llms.create(input);
      expect(llm).toEqual({ ...input, id: llm.id, enabled: true, created_at: llm.created_at });
      expect(numberOf(llm.id)).toBeGreaterThanOrEqual(100);
      expectIsoUtc(llm.created_at);
      expect(await storage.llms.get(llm.id)).toEqual(llm);
    });

    it('nullable fields and empty maps round-trip', async () => {
      const input = newLlm({ description: null, auth_encrypted: null, headers: {}, test_model_parameters: {}, type: 'openai-responses' });
      const llm = await storage.llms.create(input);
      expect(llm).toEqual({ ...input, id: llm.id, enabled: true, created_at: llm.created_at });
      expect(await storage.llms.getByName(input.name)).toEqual(llm);
    });

    it('ids are distinct and never handed out again after a delete', async () => {
      const a = await storage.llms.create(newLlm());
      const b = await storage.llms.create(newLlm());
      const c = await storage.llms.create(newLlm());
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      expect(await storage.llms.delete(c.id)).toBe(true);
      const d = await storage.llms.create(newLlm({ name: c.name }));
      expect([a.id, b.id, c.id]).not.toContain(d.id);
      expect(await storage.llms.get(c.id)).toBeUndefined();
    });

    it('create with a name that is taken throws a 409 QuarryError and changes nothing', async () => {
      const first = await storage.llms.create(newLlm({ name: 'house-model', model: 'first' }));
      let caught: unknown;
      try {
        await storage.llms.create(newLlm({ name: 'house-model', model: 'second' }));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(QuarryError);
      expect((caught as QuarryError).status).toBe(409);
      expect((caught as QuarryError).message).toContain('house-model');
      expect(await storage.llms.getByName('house-model')).toEqual(first);
      expect((await storage.llms.list({ limit: 10 })).items).toEqual([first]);
    });

    it('names are exact, case-sensitive matches', async () => {
      const lower = await storage.llms.create(newLlm({ name: 'house' }));
      expect(await storage.llms.getByName('HOUSE')).toBeUndefined();
      expect(await storage.llms.getByName('hous')).toBeUndefined();
      expect(await storage.llms.getByName('hous%')).toBeUndefined();
      const upper = await storage.llms.create(newLlm({ name: 'HOUSE' }));
      expect(upper.id).not.toBe(lower.id);
      expect(await storage.llms.getByName('house')).toEqual(lower);
      expect(await storage.llms.getByName('HOUSE')).toEqual(upper);
    });

    it('get and getByName find the LLM; unknown or malformed ids are undefined', async () => {
      const llm = await storage.llms.create(newLlm());
      await storage.llms.create(newLlm());
      expect(await storage.llms.get(llm.id)).toEqual(llm);
      expect(await storage.llms.getByName(llm.name)).toEqual(llm);
      const n = numberOf(llm.id);
      for (const id of [`llm_${n + 1000}`, `llm_0${n}`, `llm_${n} `, String(n), `enc_${n}`, llm.name, 'llm_', 'llm_x', '']) {
        expect(await storage.llms.get(id), id).toBeUndefined();
      }
      expect(await storage.llms.getByName(llm.id)).toBeUndefined();
      expect(await storage.llms.getByName('nope')).toBeUndefined();
    });

    it('list pages in creation order; `next` is the number of the last id on the page', async () => {
      const created: LlmRecord[] = [];
      // Names in reverse alphabetical order, so creation order is not name order.
      for (const name of ['model-e', 'model-d', 'model-c', 'model-b', 'model-a']) created.push(await storage.llms.create(newLlm({ name })));
      const { pages, all } = await collectPages((p) => storage.llms.list(p), 2, (l) => l.id);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(all).toEqual(created);

      const first = await storage.llms.list({ limit: 2 });
      expect(first.next).toBe(numberOf(created[1]!.id));
      const second = await storage.llms.list({ limit: 2, after: first.next });
      expect(second.items).toEqual(created.slice(2, 4));

      const one = await storage.llms.list({ limit: 5 });
      expect(one.items).toEqual(created);
      expect('next' in one).toBe(false);
    });

    it('list filters with nameRegex (JavaScript semantics) and pages under the filter', async () => {
      // Created out of alphabetical order, so results in creation order are not in name order.
      const names = ['gpt-5', 'my gpt proxy', 'llama-3', 'gpt-4o', 'GPT-legacy', 'gpt-4o-mini', 'mistral'];
      const created: LlmRecord[] = [];
      for (const name of names) created.push(await storage.llms.create(newLlm({ name })));
      const match = async (nameRegex: string) =>
        (await collectPages((p) => storage.llms.list(p, { nameRegex }), 100, (l) => l.id)).all.map((l) => l.name);

      expect(await match('gpt')).toEqual(['gpt-5', 'my gpt proxy', 'gpt-4o', 'gpt-4o-mini']);
      expect(await match('^gpt-\\d')).toEqual(['gpt-5', 'gpt-4o', 'gpt-4o-mini']);
      expect(await match('^gpt-4o(?!-)')).toEqual(['gpt-4o']);
      expect(await match('^(?:GPT|llama)')).toEqual(['llama-3', 'GPT-legacy']);
      expect(await match('^zzz')).toEqual([]);

      // 4 matches with limit 3: one full page in creation order, then the rest, then no `next`.
      const walk = await collectPages((p) => storage.llms.list(p, { nameRegex: 'gpt' }), 3, (l) => l.id);
      expect(walk.pages.map((p) => p.map((l) => l.name))).toEqual([['gpt-5', 'my gpt proxy', 'gpt-4o'], ['gpt-4o-mini']]);
      expect(walk.all).toEqual(created.filter((l) => l.name.includes('gpt')));

      expect((await storage.llms.list({ limit: 100 }, {})).items).toHaveLength(names.length);
    });

    it('delete removes the LLM and frees its name', async () => {
      const llm = await storage.llms.create(newLlm({ name: 'to-go' }));
      const other = await storage.llms.create(newLlm());
      expect(await storage.llms.delete(llm.id)).toBe(true);
      expect(await storage.llms.get(llm.id)).toBeUndefined();
      expect(await storage.llms.getByName('to-go')).toBeUndefined();
      expect((await storage.llms.list({ limit: 10 })).items).toEqual([other]);
      expect(await storage.llms.delete(llm.id)).toBe(false);
      expect(await storage.llms.delete('llm_nope')).toBe(false);
      expect(await storage.llms.delete(other.name)).toBe(false);
      const again = await storage.llms.create(newLlm({ name: 'to-go' }));
      expect(await storage.llms.getByName('to-go')).toEqual(again);
    });

    it('records are plain values: mutating the input or a returned record does not change storage', async () => {
      const input = newLlm({ headers: { a: '1' }, test_model_parameters: { stop: ['x'] } });
      const llm = await storage.llms.create(input);
      const snapshot = structuredClone(llm);
      input.headers.b = '2';
      (input.test_model_parameters.stop as string[]).push('y');
      llm.headers.c = '3';
      llm.test_model_parameters.extra = true;
      llm.enabled = false;
      expect(await storage.llms.get(snapshot.id)).toEqual(snapshot);
    });
  });
}
