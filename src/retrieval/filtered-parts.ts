import type { PartFilter, PartsVersion, SearchRepository } from '../storage/types.js';

const CACHE_ENTRIES = 64;

/**
 * The ids of a corpus's parts that pass a compiled metadata filter, ascending, as the storage
 * query returns them. Applications tend to repeat their filters, so recent answers are kept,
 * keyed by the filter's SQL and parameters and the corpus's change counters: never stale.
 */
export class FilteredParts {
  private readonly cache = new Map<string, readonly number[]>();

  constructor(private readonly search: SearchRepository) {}

  /** The ids, and a key naming this exact set (for caches derived from it). */
  async ids(corpusId: number, filter: PartFilter, known?: PartsVersion): Promise<{ key: string; ids: readonly number[] }> {
    const version = known ?? (await this.search.version(corpusId));
    const key = `${corpusId}|${version?.parts}|${version?.vectors}|${JSON.stringify([filter.sql, filter.params, filter.documentsOnly])}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return { key, ids: hit };
    }
    const ids = await this.search.filteredIds(corpusId, filter);
    this.cache.set(key, ids);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return { key, ids };
  }
}
