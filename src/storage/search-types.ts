import type { Page, PageRequest, SqlFilter } from './types.js';

// ---------------------------------------------------------------------------------------------
// Search and query history

/** Counters that change whenever a corpus's parts change, whichever process wrote them. */
export interface PartsVersion {
  /** Bumped by every write adding or removing parts. */
  parts: number;
  /** Bumped when stored vectors are replaced or all parts removed: caches reload from scratch. */
  vectors: number;
}

/**
 * A filter over parts: a SQL fragment over `parts p` and `documents d` (see retrieval/filter).
 * `documentsOnly`: it reads document columns only, so it can be evaluated once per document.
 */
export type PartFilter = SqlFilter & { documentsOnly?: boolean };

export interface LexicalHit {
  id: number;
  /** Higher is better (the negated FTS5 bm25). */
  score: number;
}

/** A part as the full-text index holds it: the terms of its text and of its document's title. */
export interface PartTerms {
  id: number;
  text: string[];
  title: string[];
}

/** A part as a search result shows it, with its document's data. */
export interface HitRecord {
  id: number;
  corpus_id: number;
  doc_seq: number;
  doc_id: string;
  doc_metadata: Record<string, unknown>;
  part_index: number;
  text: string;
  metadata: Record<string, unknown>;
  custom_dimensions: Record<string, number>;
  is_title: boolean;
  lang: string | null;
  table_id: string | null;
  /** The document's tables when this part is one of them (`table_id`); empty otherwise. */
  doc_tables: unknown[];
}

/**
 * What the query engine reads. Lexical scores come from the storage's own full-text index; vector
 * search runs in memory over vectors loaded through `vectorsAfter`, kept current by comparing
 * `version` (the database stays the source of truth).
 */
export interface SearchRepository {
  version(corpusId: number): Promise<PartsVersion | undefined>;
  /** Vectors of the corpus's parts with id > afterId, in id order, at most `limit`. */
  vectorsAfter(corpusId: number, afterId: number, limit: number): Promise<Array<{ id: number; vector: Float32Array }>>;
  /** Ids of every part of the corpus, ascending. */
  partIds(corpusId: number): Promise<number[]>;
  partCount(corpusId: number): Promise<number>;
  /** Ids of the corpus's parts that pass the filter, ascending. */
  filteredIds(corpusId: number, filter: PartFilter): Promise<number[]>;
  /**
   * Best-first lexical matches of an FTS5 MATCH expression among the corpus's parts that pass the
   * filter; `onlyIds` restricts the match to those parts (to score candidates found otherwise).
   */
  lexical(corpusId: number, match: string, options: { filter?: PartFilter; limit: number; titleWeight: number; onlyIds?: readonly number[] }): Promise<LexicalHit[]>;
  /**
   * Parts with id > afterId, in id order, at most `limit`, as terms of the full-text index (for
   * the in-memory lexical index, retrieval/lexical, which scores as the full-text index does).
   */
  termsAfter(corpusId: number, afterId: number, limit: number): Promise<PartTerms[]>;
  /** The terms the full-text index makes of each text (a word may give none, or several). */
  termsOf(texts: readonly string[]): Promise<string[][]>;
  /** How many of the corpus's parts match an FTS5 MATCH expression (document frequency of a term). */
  matchCount(corpusId: number, match: string): Promise<number>;
  /** The parts with these ids (any order; missing ids are skipped). */
  hits(ids: readonly number[]): Promise<HitRecord[]>;
  /** Texts of a document's parts with part_index in [from, to], in order. */
  neighbours(docSeq: number, from: number, to: number): Promise<Array<{ part_index: number; text: string }>>;
}

export interface QueryHistoryRecord {
  id: string;
  query_text: string;
  corpus_key: string | null;
  corpus_ids: number[];
  request: Record<string, unknown>;
  chat_id: string | null;
  latency_millis: number;
  started_at: string;
  spans: Array<Record<string, unknown>>;
  generation: string | null;
  factual_consistency_score: number | null;
}

export interface QueryHistoryFilter {
  /** Only queries all of whose corpora are among these (a bound key's view); undefined = all. */
  visibleCorpusIds?: readonly number[];
  corpusId?: number;
  startedAfter?: string;
  startedBefore?: string;
  chatId?: string;
  historyId?: string;
}

export interface QueryHistoryRepository {
  create(record: QueryHistoryRecord): Promise<void>;
  get(id: string): Promise<QueryHistoryRecord | undefined>;
  list(page: PageRequest, filter: QueryHistoryFilter): Promise<Page<QueryHistoryRecord>>;
}
