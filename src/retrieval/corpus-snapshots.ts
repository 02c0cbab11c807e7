import type { PartsVersion, SearchRepository } from '../storage/types.js';

/** Rows read from the database per step while a snapshot catches up. */
const LOAD_BATCH = 10_000;

/** An in-memory structure over one corpus's parts, in part id order. */
export interface CorpusSnapshot<Row extends { id: number }> {
  version: PartsVersion;
  /** The highest part id seen (parts are read after it). */
  maxId: number;
  /** Parts held. */
  count: number;
  append(rows: readonly Row[]): void;
  /** Keeps only the parts whose ids are in `live` (ascending). */
  retain(live: readonly number[]): void;
}

/**
 * Keeps in-memory snapshots of corpora (vectors, lexical postings) current with the database,
 * which stays the source of truth whichever process writes it. Before each use the corpus's
 * change counters are compared: new parts (ids only grow) are appended, removed ones dropped when
 * the count says some went, and a snapshot whose vectors were replaced or emptied is rebuilt.
 * Concurrent callers share one refresh.
 */
export class CorpusSnapshots<Row extends { id: number }, S extends CorpusSnapshot<Row>> {
  private readonly corpora = new Map<number, S>();
  private readonly refreshing = new Map<number, Promise<S>>();

  constructor(
    private readonly search: SearchRepository,
    private readonly create: (version: PartsVersion) => S,
    private readonly rowsAfter: (corpusId: number, afterId: number, limit: number) => Promise<Row[]>,
  ) {}

  /**
   * The corpus's snapshot, brought up to date; null when the corpus no longer exists. A caller
   * that has just read the corpus's version passes it (one read serves a whole query).
   */
  async current(corpusId: number, known?: PartsVersion): Promise<S | null> {
    const pending = this.refreshing.get(corpusId);
    if (pending) return pending;
    const version = known ?? (await this.search.version(corpusId));
    const cached = this.corpora.get(corpusId);
    if (!version) {
      this.corpora.delete(corpusId);
      return null;
    }
    if (cached && cached.version.parts === version.parts && cached.version.vectors === version.vectors) return cached;
    const work = this.refresh(corpusId, version, cached).finally(() => this.refreshing.delete(corpusId));
    this.refreshing.set(corpusId, work);
    return work;
  }

  private async refresh(corpusId: number, version: PartsVersion, cached: S | undefined): Promise<S> {
    const snapshot = cached && cached.version.vectors === version.vectors ? cached : this.create(version);
    for (;;) {
      const batch = await this.rowsAfter(corpusId, snapshot.maxId, LOAD_BATCH);
      snapshot.append(batch);
      if (batch.length < LOAD_BATCH) break;
    }
    if (snapshot.count !== (await this.search.partCount(corpusId))) snapshot.retain(await this.search.partIds(corpusId));
    snapshot.version = version;
    this.corpora.set(corpusId, snapshot);
    return snapshot;
  }
}
