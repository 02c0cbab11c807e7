import { customDimensionBoost, fuse, type FusionInput } from '../../retrieval/fusion.js';
import type { FilteredParts } from '../../retrieval/filtered-parts.js';
import type { LexicalIndexes } from '../../retrieval/lexical/lexical-indexes.js';
import type { TermQuery } from '../../retrieval/lexical/memory-index.js';
import type { LexicalQuery } from '../../retrieval/lexical/query-syntax.js';
import { PartCache } from '../../retrieval/part-cache.js';
import type { AllowedParts, VectorIndexes } from '../../retrieval/vector-index.js';
import type { EmbeddingKind } from '../../providers/encoders/types.js';
import type { CorpusRecord, HitRecord, LexicalHit, PartFilter, PartsVersion, Storage } from '../../storage/types.js';
import { TITLE_WEIGHT } from './defaults.js';
import type { CorpusSearch } from './plan.js';

/** One corpus of a query, checked and compiled (QueryService.prepare). */
export interface PreparedCorpus {
  corpus: CorpusRecord;
  spec: CorpusSearch;
  index: number;
  text: string;
  lexical: LexicalQuery;
  match: string | null;
  /** The query as the in-memory lexical index takes it; null sends it to the full-text index. */
  terms: TermQuery | null;
  filter?: PartFilter;
  /** The corpus's change counters as read for this query (set by `retrieve`). */
  version?: PartsVersion | undefined;
  lambda: number;
  kind: EmbeddingKind;
  weights: Record<string, number>;
}

export interface Scored {
  id: number;
  corpusIndex: number;
  score: number;
}

/**
 * First-stage retrieval in one corpus: lexical (in-memory postings when they can answer the
 * query, FTS5 otherwise) and vector candidates, each side's score for the other's finds, fused by
 * `lexical_interpolation`, custom dimensions added; then the parts to show, through a cache.
 */
export class CorpusRetrieval {
  private readonly parts = new PartCache();

  constructor(
    private readonly storage: Storage,
    private readonly vectors: VectorIndexes,
    private readonly lexicalIndexes: LexicalIndexes,
    private readonly filtered: FilteredParts,
  ) {}

  async retrieve(p: PreparedCorpus, vector: Float32Array | undefined, pool: number): Promise<Scored[]> {
    const corpusId = p.corpus.id;
    const candidates = new Map<number, FusionInput>();
    const useLexical = p.lambda > 0 && p.match !== null;
    // One read of the corpus's change counters serves every in-memory index this query uses.
    const version = await this.storage.search.version(corpusId);
    p.version = version;
    // The filter's parts, read once for whichever side needs them as a set.
    let allowed: Promise<AllowedParts | undefined> | undefined;
    const allowedParts = () => (allowed ??= p.filter ? this.filtered.ids(corpusId, p.filter, version) : Promise.resolve(undefined));
    if (useLexical) {
      for (const h of await this.lexicalTop(p, pool, allowedParts, version)) candidates.set(h.id, { id: h.id, lexical: h.score });
    }
    if (vector && p.lambda < 1) {
      const near = await this.vectors.nearest(corpusId, vector, pool, await allowedParts(), version);
      const vectorOnly: number[] = [];
      for (const h of near) {
        const c = candidates.get(h.id);
        if (c) c.cosine = h.cosine;
        else {
          candidates.set(h.id, { id: h.id, cosine: h.cosine });
          vectorOnly.push(h.id);
        }
      }
      // Exact scores for what only one side found: BM25 of a part does not depend on the others.
      const missingCosine = [...candidates.values()].filter((c) => c.cosine === undefined).map((c) => c.id);
      for (const [id, cos] of await this.vectors.similarities(corpusId, vector, missingCosine, version)) candidates.get(id)!.cosine = cos;
      if (useLexical && vectorOnly.length > 0) {
        for (const h of await this.lexicalScores(p, vectorOnly, version)) candidates.get(h.id)!.lexical = h.score;
      }
    }
    let fused = fuse([...candidates.values()], p.lambda);
    if (Object.keys(p.weights).length > 0 && fused.length > 0) {
      const parts = new Map((await this.storage.search.hits(fused.map((f) => f.id))).map((h) => [h.id, h]));
      fused = fused
        .map((f) => ({ id: f.id, score: f.score + customDimensionBoost(p.weights, parts.get(f.id)?.custom_dimensions ?? {}) }))
        .sort((a, b) => b.score - a.score || a.id - b.id);
    }
    return fused.slice(0, pool).map((f) => ({ id: f.id, corpusIndex: p.index, score: f.score }));
  }

  /**
   * The best lexical matches: from the in-memory index when it can answer the query (the filter
   * applied as the set of parts it lets through), else from the full-text index with the filter
   * compiled into its statement.
   */
  private async lexicalTop(
    p: PreparedCorpus,
    limit: number,
    allowed: () => Promise<AllowedParts | undefined>,
    version: PartsVersion | undefined,
  ): Promise<LexicalHit[]> {
    if (p.terms) {
      const parts = await allowed();
      return this.lexicalIndexes.top(p.corpus.id, p.terms, { limit, titleWeight: TITLE_WEIGHT, ...(parts ? { allowed: parts } : {}), ...(version ? { version } : {}) });
    }
    return this.storage.search.lexical(p.corpus.id, p.match!, { ...(p.filter ? { filter: p.filter } : {}), limit, titleWeight: TITLE_WEIGHT });
  }

  /** Lexical scores of parts found by the vector side (those the query matches). */
  private async lexicalScores(p: PreparedCorpus, ids: readonly number[], version: PartsVersion | undefined): Promise<LexicalHit[]> {
    if (p.terms) return this.lexicalIndexes.scores(p.corpus.id, p.terms, ids, TITLE_WEIGHT, version);
    return this.storage.search.lexical(p.corpus.id, p.match!, { limit: ids.length, titleWeight: TITLE_WEIGHT, onlyIds: ids });
  }

  /** The parts to show, from the part cache where it holds them under the corpus's version. */
  async hits(scored: readonly Scored[], prepared: readonly PreparedCorpus[]): Promise<Map<number, HitRecord>> {
    const hits = new Map<number, HitRecord>();
    const missing: number[] = [];
    for (const s of scored) {
      const p = prepared[s.corpusIndex]!;
      const cached = this.parts.get(p.corpus.id, p.version, s.id);
      if (cached) hits.set(s.id, cached);
      else missing.push(s.id);
    }
    if (missing.length === 0) return hits;
    const loaded = await this.storage.search.hits(missing);
    for (const h of loaded) hits.set(h.id, h);
    for (const p of prepared) this.parts.put(p.corpus.id, p.version, loaded.filter((h) => h.corpus_id === p.corpus.id));
    return hits;
  }
}
