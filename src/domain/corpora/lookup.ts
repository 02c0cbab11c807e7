import { invalidField } from '../errors.js';
import type { CorpusRecord, Storage } from '../../storage/types.js';

/** Resolves corpus keys named in a request body; an unknown key is a 400 on that field. */
export async function requireCorpora(storage: Storage, field: string, keys: readonly string[]): Promise<CorpusRecord[]> {
  const unique = [...new Set(keys)];
  const found = await storage.corpora.getManyByKey(unique);
  const missing = unique.filter((k) => !found.some((c) => c.key === k));
  if (missing.length > 0) throw invalidField(field, `no corpus with key ${missing.map((k) => `'${k}'`).join(', ')}`);
  return unique.map((k) => found.find((c) => c.key === k)!);
}

/** Maps internal corpus ids to keys, for responses; ids of deleted corpora are dropped. */
export async function corpusKeysById(storage: Storage, ids: Iterable<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const id of new Set(ids)) {
    const c = await storage.corpora.getById(id);
    if (c) out.set(id, c.key);
  }
  return out;
}
