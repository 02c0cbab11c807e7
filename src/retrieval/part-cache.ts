import type { HitRecord, PartsVersion } from '../storage/types.js';

/** Parts kept per corpus; the oldest go first. */
const ENTRIES_PER_CORPUS = 20_000;

/**
 * Parts recently shown as results, with their documents' data, per corpus: reading ten of them
 * back from SQLite (a join, a read transaction, three JSON documents each) cost about as much as
 * the lexical search itself. Entries are valid while the corpus's change counters are those they
 * were read under; a metadata edit, a removal or new parts (from any process) bump the counters
 * and the corpus's entries are dropped at the next look-up.
 *
 * Records are shared between queries: callers must not change them.
 */
export class PartCache {
  private readonly corpora = new Map<number, { key: string; parts: Map<number, HitRecord> }>();

  /** The cached part, if it was read under this version of its corpus. */
  get(corpusId: number, version: PartsVersion | undefined, id: number): HitRecord | undefined {
    const entry = this.corpora.get(corpusId);
    return entry && version && entry.key === keyOf(version) ? entry.parts.get(id) : undefined;
  }

  /** Keeps parts read under `version` of their corpus. */
  put(corpusId: number, version: PartsVersion | undefined, records: readonly HitRecord[]): void {
    if (!version) return;
    const key = keyOf(version);
    let entry = this.corpora.get(corpusId);
    if (!entry || entry.key !== key) this.corpora.set(corpusId, (entry = { key, parts: new Map() }));
    for (const r of records) {
      entry.parts.set(r.id, r);
      if (entry.parts.size > ENTRIES_PER_CORPUS) entry.parts.delete(entry.parts.keys().next().value!);
    }
  }
}

const keyOf = (v: PartsVersion): string => `${v.parts}|${v.vectors}`;
