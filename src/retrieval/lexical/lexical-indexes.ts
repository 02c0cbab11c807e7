import type { PartsVersion, SearchRepository } from '../../storage/types.js';
import { CorpusSnapshots } from '../corpus-snapshots.js';
import type { AllowedParts } from '../vector-index.js';
import { LexicalMemoryIndex, type ScoredPart, type TermQuery } from './memory-index.js';
import type { LexicalQuery } from './query-syntax.js';

const WORD_CACHE_ENTRIES = 50_000;

/**
 * BM25 over each corpus's parts from in-memory postings (retrieval/lexical/memory-index), kept
 * current with the database like the vector indexes. It answers queries made of plain words and
 * single-word exclusions, the common case, with the full-text index's own terms and scores;
 * quoted phrases and prefixes need word positions and the term dictionary, so those queries go
 * to the full-text index itself (`termQuery` returns null).
 */
export class LexicalIndexes {
  private readonly snapshots;
  /** Query word → its single term, or null when the tokenizer makes none or several of it. */
  private readonly words = new Map<string, string | null>();

  constructor(private readonly search: SearchRepository) {
    this.snapshots = new CorpusSnapshots(search, (version) => new LexicalMemoryIndex(version), (corpusId, afterId, limit) =>
      search.termsAfter(corpusId, afterId, limit),
    );
  }

  /** Resolves once the corpus's postings are loaded and current. */
  async ready(corpusId: number): Promise<void> {
    await this.snapshots.current(corpusId);
  }

  /** The query as terms, or null when the in-memory index cannot answer it. */
  async termQuery(q: LexicalQuery): Promise<TermQuery | null> {
    if (q.phrases.length > 0 || q.prefixes.length > 0 || q.excluded.some((e) => e.length !== 1)) return null;
    const terms = await this.termsOfWords([...q.words, ...q.excluded.map((e) => e[0]!)]);
    if (terms.some((t) => t === null)) return null;
    return { terms: terms.slice(0, q.words.length) as string[], excluded: terms.slice(q.words.length) as string[] };
  }

  /** The `limit` best parts of the corpus for the query, best first. */
  async top(
    corpusId: number,
    query: TermQuery,
    options: { limit: number; titleWeight: number; allowed?: AllowedParts; version?: PartsVersion },
  ): Promise<ScoredPart[]> {
    const index = await this.snapshots.current(corpusId, options.version);
    if (!index) return [];
    const { limit, titleWeight, allowed } = options;
    return index.search(query, { limit, titleWeight, ...(allowed ? { allowed: index.mask(allowed.key, allowed.ids) } : {}) });
  }

  /** BM25 of the given parts (those the query matches). */
  async scores(corpusId: number, query: TermQuery, ids: readonly number[], titleWeight: number, version?: PartsVersion): Promise<ScoredPart[]> {
    const index = await this.snapshots.current(corpusId, version);
    return index ? index.scoreParts(query, ids, titleWeight) : [];
  }

  /** In how many of the corpus's parts the word's term occurs, and how many parts there are. */
  async documentFrequency(corpusId: number, word: string): Promise<{ df: number; parts: number } | null> {
    const [term] = await this.termsOfWords([word]);
    const index = await this.snapshots.current(corpusId);
    if (!term || !index) return null;
    return { df: index.documentFrequency(term), parts: index.count };
  }

  private async termsOfWords(words: readonly string[]): Promise<Array<string | null>> {
    const missing = [...new Set(words.filter((w) => !this.words.has(w)))];
    if (missing.length > 0) {
      const found = await this.search.termsOf(missing);
      if (this.words.size + missing.length > WORD_CACHE_ENTRIES) this.words.clear();
      missing.forEach((w, i) => this.words.set(w, found[i]!.length === 1 ? found[i]![0]! : null));
    }
    return words.map((w) => this.words.get(w) ?? null);
  }
}
