import type { HitRecord, LexicalHit, PartFilter, PartsVersion, PartTerms, SearchRepository } from '../types.js';
import { bool, type Db } from './database.js';
import { Fts5Terms } from './fts5-terms.js';

interface HitRow {
  id: number;
  corpus_id: number;
  doc_seq: number;
  doc_id: string;
  doc_metadata: string;
  doc_tables: string;
  part_index: number;
  text: string;
  metadata: string;
  custom_dimensions: string;
  is_title: number;
  lang: string | null;
  table_id: string | null;
}

/** How many top rows of the whole index are read to find `limit` of one corpus's. */
const LEXICAL_OVERSAMPLING = 4;

/** Ids travel as one JSON parameter, so a statement is prepared once whatever their number. */
const idList = (ids: readonly number[]): string => JSON.stringify(ids);

const toVector = (blob: Buffer): Float32Array =>
  // Copy: the driver's buffer may be reused, and Float32Array needs 4-byte alignment.
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

/**
 * Reads for the query engine. Filters arrive compiled against `parts p` and `documents d`
 * (retrieval/filter); statements with a filter are prepared per call, the rest once.
 */
export class SqliteSearch implements SearchRepository {
  private readonly versionOf;
  private readonly vectors;
  private readonly ids;
  private readonly count;
  private readonly matches;
  private readonly ftsTop;
  private readonly inCorpus;
  private readonly hitsOf;
  private readonly around;
  private readonly texts;
  private readonly fts5Terms = new Fts5Terms();

  constructor(private readonly db: Db) {
    this.versionOf = db.prepare<[number], { parts: number; vectors: number }>(
      `SELECT coalesce(v.parts, 0) AS parts, coalesce(v.vectors, 0) AS vectors
       FROM corpora c LEFT JOIN corpus_versions v ON v.corpus_id = c.id WHERE c.id = ?`,
    );
    this.vectors = db.prepare<[number, number, number], { id: number; vector: Buffer | null }>(
      'SELECT id, vector FROM parts WHERE corpus_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    this.ids = db.prepare<[number], number>('SELECT id FROM parts WHERE corpus_id = ? ORDER BY id').pluck();
    this.count = db.prepare<[number], number>('SELECT count(*) FROM parts WHERE corpus_id = ?').pluck();
    this.matches = db
      .prepare<[string, number], number>(
        'SELECT count(*) FROM parts_fts f JOIN parts p ON p.id = f.rowid WHERE parts_fts MATCH ? AND p.corpus_id = ?',
      )
      .pluck();
    // Ordered by the selected column: written as a second bm25() call, the ranking would be
    // computed twice per match.
    this.ftsTop = db.prepare<[number, string, number], LexicalHit>(
      'SELECT rowid AS id, -bm25(parts_fts, 1.0, ?) AS score FROM parts_fts WHERE parts_fts MATCH ? ORDER BY score DESC LIMIT ?',
    );
    this.inCorpus = db
      // CROSS JOIN keeps the id list as the outer loop: otherwise the planner may scan the corpus.
      .prepare<[string, number], number>('SELECT p.id FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value WHERE p.corpus_id = ?')
      .pluck();
    this.hitsOf = db.prepare<[string], HitRow>(
      `SELECT p.id, p.corpus_id, p.doc_seq, d.doc_id, d.metadata AS doc_metadata, d.tables AS doc_tables, p.part_index,
              p.text, p.metadata, p.custom_dimensions, p.is_title, p.lang, p.table_id
       FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value CROSS JOIN documents d ON d.seq = p.doc_seq`,
    );
    this.texts = db.prepare<[number, number, number], { id: number; text: string; title: string }>(
      `SELECT p.id, p.text, coalesce(d.title, '') AS title FROM parts p JOIN documents d ON d.seq = p.doc_seq
       WHERE p.corpus_id = ? AND p.id > ? ORDER BY p.id LIMIT ?`,
    );
    this.around = db.prepare<[number, number, number], { part_index: number; text: string }>(
      'SELECT part_index, text FROM parts WHERE doc_seq = ? AND part_index BETWEEN ? AND ? ORDER BY part_index',
    );
  }

  async version(corpusId: number): Promise<PartsVersion | undefined> {
    return this.versionOf.get(corpusId);
  }

  async vectorsAfter(corpusId: number, afterId: number, limit: number): Promise<Array<{ id: number; vector: Float32Array }>> {
    return this.vectors
      .all(corpusId, afterId, limit)
      .map((r) => ({ id: r.id, vector: r.vector ? toVector(r.vector) : new Float32Array(0) }));
  }

  async partIds(corpusId: number): Promise<number[]> {
    return this.ids.all(corpusId);
  }

  async partCount(corpusId: number): Promise<number> {
    return this.count.get(corpusId) ?? 0;
  }

  async filteredIds(corpusId: number, filter: PartFilter): Promise<number[]> {
    if (filter.documentsOnly) {
      // Once per document, then its parts through the parts_doc index: about 3x faster than
      // evaluating the filter on every part when documents have many parts.
      return this.db
        .prepare<unknown[], number>(
          `SELECT p.id FROM parts p WHERE p.doc_seq IN
             (SELECT d.seq FROM documents d WHERE d.corpus_id = ? AND (${filter.sql})) ORDER BY p.id`,
        )
        .pluck()
        .all(corpusId, ...filter.params);
    }
    return this.db
      .prepare<unknown[], number>(
        `SELECT p.id FROM parts p JOIN documents d ON d.seq = p.doc_seq
         WHERE p.corpus_id = ? AND (${filter.sql}) ORDER BY p.id`,
      )
      .pluck()
      .all(corpusId, ...filter.params);
  }

  async lexical(
    corpusId: number,
    match: string,
    options: { filter?: PartFilter; limit: number; titleWeight: number; onlyIds?: readonly number[] },
  ): Promise<LexicalHit[]> {
    const { filter, limit, titleWeight, onlyIds } = options;
    if (onlyIds && onlyIds.length === 0) return [];
    if (!onlyIds) {
      const fast = this.lexicalWithoutJoin(corpusId, match, limit, titleWeight, filter);
      if (fast) return fast;
    }
    // bm25() is lower-is-better; column weights: text 1, title `titleWeight`.
    const sql = `SELECT f.rowid AS id, -bm25(parts_fts, 1.0, ?) AS score
      FROM parts_fts f JOIN parts p ON p.id = f.rowid ${filter ? 'JOIN documents d ON d.seq = p.doc_seq' : ''}
      WHERE parts_fts MATCH ? AND p.corpus_id = ?
        ${onlyIds ? 'AND f.rowid IN (SELECT value FROM json_each(?))' : ''}
        ${filter ? `AND (${filter.sql})` : ''}
      ORDER BY bm25(parts_fts, 1.0, ?) LIMIT ?`;
    const params: unknown[] = [titleWeight, match, corpusId];
    if (onlyIds) params.push(idList(onlyIds));
    if (filter) params.push(...filter.params);
    params.push(titleWeight, limit);
    return this.db.prepare<unknown[], LexicalHit>(sql).all(...params);
  }

  /**
   * The best matches across the whole full-text index, then the ones in this corpus. Joining
   * every match to its (wide) parts row to test the corpus costs more than scoring the matches
   * (about 80 against 20 ms for 20,000 matches among 100,000 parts), so the join is left for
   * the few top rows, and so is the metadata filter. Null when other corpora (or the filter)
   * leave too few of the top rows: the caller then runs the joined query.
   */
  private lexicalWithoutJoin(corpusId: number, match: string, limit: number, titleWeight: number, filter?: PartFilter): LexicalHit[] | null {
    const window = limit * LEXICAL_OVERSAMPLING;
    const top = this.ftsTop.all(titleWeight, match, window);
    if (top.length === 0) return [];
    const ids = idList(top.map((t) => t.id));
    const kept = filter
      ? this.db
          .prepare<unknown[], number>(
            `SELECT p.id FROM json_each(?) j CROSS JOIN parts p ON p.id = j.value CROSS JOIN documents d ON d.seq = p.doc_seq
             WHERE p.corpus_id = ? AND (${filter.sql})`,
          )
          .pluck()
          .all(ids, corpusId, ...filter.params)
      : this.inCorpus.all(ids, corpusId);
    const inCorpus = new Set(kept);
    const hits = top.filter((t) => inCorpus.has(t.id));
    // Complete when enough are in the corpus, or when the window held every match there is.
    if (hits.length >= limit || top.length < window) return hits.slice(0, limit);
    return null;
  }

  async termsAfter(corpusId: number, afterId: number, limit: number): Promise<PartTerms[]> {
    const rows = this.texts.all(corpusId, afterId, limit);
    const texts = this.fts5Terms.termsOf(rows.map((r) => r.text));
    // A document's parts share its title: each distinct title is tokenized once.
    const titles = [...new Set(rows.map((r) => r.title))];
    const titleTerms = new Map(this.fts5Terms.termsOf(titles).map((terms, i) => [titles[i]!, terms]));
    return rows.map((r, i) => ({ id: r.id, text: texts[i]!, title: titleTerms.get(r.title)! }));
  }

  async termsOf(texts: readonly string[]): Promise<string[][]> {
    return this.fts5Terms.termsOf(texts);
  }

  async matchCount(corpusId: number, match: string): Promise<number> {
    return this.matches.get(match, corpusId) ?? 0;
  }

  async hits(ids: readonly number[]): Promise<HitRecord[]> {
    if (ids.length === 0) return [];
    return this.hitsOf.all(idList(ids)).map((r) => ({
      id: r.id,
      corpus_id: r.corpus_id,
      doc_seq: r.doc_seq,
      doc_id: r.doc_id,
      doc_metadata: JSON.parse(r.doc_metadata),
      // Only a table's part shows its table: the rest skip parsing the document's tables.
      doc_tables: r.table_id ? JSON.parse(r.doc_tables) : [],
      part_index: r.part_index,
      text: r.text,
      metadata: JSON.parse(r.metadata),
      custom_dimensions: JSON.parse(r.custom_dimensions),
      is_title: bool(r.is_title),
      lang: r.lang,
      table_id: r.table_id,
    }));
  }

  async neighbours(docSeq: number, from: number, to: number): Promise<Array<{ part_index: number; text: string }>> {
    return this.around.all(docSeq, from, to);
  }
}
