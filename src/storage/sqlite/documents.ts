import { conflict, invalidField, type QuarryError } from '../../domain/errors.js';
import type {
  CorpusUsage, DocumentRecord, DocumentRepository, NewDocument, Page, PageRequest, PartRecord, SqlFilter,
} from '../types.js';
import { bool, nowIso, toPage, type Db } from './database.js';

interface DocRow {
  seq: number;
  corpus_id: number;
  doc_id: string;
  metadata: string;
  tables: string;
  images: string;
  text_chars: number;
  metadata_chars: number;
  created_at: string;
}

interface PartRow {
  id: number;
  part_index: number;
  text: string;
  context: string | null;
  metadata: string;
  custom_dimensions: string;
  is_title: number;
  lang: string | null;
  text_offset: number;
  section_path: string | null;
  table_id: string | null;
}

const mapDoc = (r: DocRow): DocumentRecord => ({
  seq: r.seq,
  corpus_id: r.corpus_id,
  doc_id: r.doc_id,
  metadata: JSON.parse(r.metadata),
  tables: JSON.parse(r.tables),
  images: JSON.parse(r.images),
  text_chars: r.text_chars,
  metadata_chars: r.metadata_chars,
  created_at: r.created_at,
});

const mapPart = (r: PartRow): PartRecord => ({
  id: r.id,
  part_index: r.part_index,
  text: r.text,
  context: r.context,
  metadata: JSON.parse(r.metadata),
  custom_dimensions: JSON.parse(r.custom_dimensions),
  is_title: bool(r.is_title),
  lang: r.lang,
  offset: r.text_offset,
  section_path: r.section_path ? JSON.parse(r.section_path) : null,
  table_id: r.table_id,
});

type Outcome = { record: DocumentRecord } | { error: unknown };

type Waiting = { doc: NewDocument; resolve: (record: DocumentRecord) => void; reject: (err: unknown) => void };

function settle(group: Waiting[], outcomes: Outcome[]): void {
  group.forEach((w, i) => {
    const outcome = outcomes[i]!;
    if ('record' in outcome) w.resolve(outcome.record);
    else w.reject(outcome.error);
  });
}

const vectorBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * Parts per group commit (see SqliteDocuments.create): documents beyond it wait for the next turn
 * of the event loop, so that a burst of large documents does not hold the loop in one transaction.
 */
const GROUP_PARTS = 4096;

export class SqliteDocuments implements DocumentRepository {
  private readonly byId;
  private readonly bySeq;
  private readonly partsOf;
  private readonly insertDoc;
  private readonly insertPart;
  private readonly insertFts;
  private readonly corpusDims;
  private readonly docUsage;
  private readonly partCount;
  private readonly fixDims;
  /** Tells in-memory vector indexes (in any process) that the corpus's parts changed. */
  private readonly bumpParts;
  private readonly bumpVectors;
  /** Documents waiting for the next group commit (see create), with their callers' promises. */
  private waiting: Waiting[] = [];
  /**
   * Writes documents in one IMMEDIATE transaction (the write lock taken before the reads inside,
   * so a second writer, the operator CLI beside the server, waits for busy_timeout instead of
   * failing on a stale snapshot); `outcomes` gets one entry per document. A document refused by
   * its checks (taken id, vector size) has written nothing and is skipped; a statement that fails
   * once a document's rows are being written throws, and the whole group is rolled back.
   */
  private readonly writeGroup;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number, string], DocRow>('SELECT * FROM documents WHERE corpus_id = ? AND doc_id = ?');
    this.bySeq = db.prepare<[number], DocRow>('SELECT * FROM documents WHERE seq = ?');
    this.partsOf = db.prepare<[number], PartRow>('SELECT * FROM parts WHERE doc_seq = ? ORDER BY part_index');
    // Positional parameters: binding a dozen named ones took ~1.4 µs more per row (better-sqlite3 12).
    this.insertDoc = db.prepare(
      `INSERT INTO documents (corpus_id, doc_id, title, metadata, tables, images, text_chars, metadata_chars, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertPart = db.prepare(
      `INSERT INTO parts (corpus_id, doc_seq, part_index, text, context, metadata, custom_dimensions, is_title, lang,
                          text_offset, section_path, table_id, vector)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertFts = db.prepare('INSERT INTO parts_fts (rowid, text, title) VALUES (?, ?, ?)');
    this.docUsage = db.prepare<[number], { docs: number; characters: number; metadata_characters: number }>(
      `SELECT count(*) AS docs, coalesce(sum(text_chars), 0) AS characters,
              coalesce(sum(metadata_chars), 0) AS metadata_characters
       FROM documents WHERE corpus_id = ?`,
    );
    this.partCount = db.prepare<[number], number>('SELECT count(*) FROM parts WHERE corpus_id = ?').pluck();
    this.corpusDims = db.prepare<[number], number | null>('SELECT vector_dimensions FROM corpora WHERE id = ?').pluck();
    this.fixDims = db.prepare('UPDATE corpora SET vector_dimensions = ? WHERE id = ? AND vector_dimensions IS NULL');
    this.bumpParts = db.prepare(
      'INSERT INTO corpus_versions (corpus_id, parts) VALUES (?, 1) ON CONFLICT (corpus_id) DO UPDATE SET parts = parts + 1',
    );
    this.bumpVectors = db.prepare(
      `INSERT INTO corpus_versions (corpus_id, parts, vectors) VALUES (?, 1, 1)
       ON CONFLICT (corpus_id) DO UPDATE SET parts = parts + 1, vectors = vectors + 1`,
    );
    // No savepoint per document: FTS5 writes its pending postings out at every savepoint, which
    // cost about 3 µs per part. Documents are checked before their first row instead.
    this.writeGroup = db.transaction((docs: NewDocument[], outcomes: Outcome[], began: () => void) => {
      began();
      for (const doc of docs) {
        // The corpus's vector size, fixed by its first document with parts (null before).
        const size = this.corpusDims.get(doc.corpus_id) ?? null;
        const refused = this.refusal(doc, size);
        if (refused) {
          outcomes.push({ error: refused });
          continue;
        }
        if (size === null && doc.parts.length > 0) this.fixDims.run(doc.parts[0]!.vector.length, doc.corpus_id);
        outcomes.push({ record: this.insertDocument(doc) });
      }
    }).immediate;
  }

  /**
   * Stores a document with all its parts, in the parts table and the full-text index, or nothing
   * (409 when its id is taken in the corpus).
   *
   * Documents handed over in the same event-loop turn (requests whose embeddings came back in one
   * batch) are written in one transaction: none is visible, nor its promise settled, before the
   * commit, so a process killed meanwhile leaves whole documents only. A document refused by its
   * checks has written nothing; one whose statement fails halfway rolls the group back, and the
   * others are written again without it (writeAll). A commit per document cost more than the rows
   * of a small document: the same table, index and full-text pages were written to the WAL again
   * for each one.
   */
  create(doc: NewDocument): Promise<DocumentRecord> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.commitWaiting());
    });
  }

  /** Writes the waiting documents, up to GROUP_PARTS parts (at least one document), in one transaction. */
  private commitWaiting(): void {
    let n = 0;
    for (let parts = 0; n < this.waiting.length; n++) {
      parts += this.waiting[n]!.doc.parts.length;
      if (n > 0 && parts > GROUP_PARTS) break;
    }
    const group = this.waiting.splice(0, n);
    // The rest go in the next turn: requests keep being served between large groups.
    if (this.waiting.length > 0) setImmediate(() => this.commitWaiting());
    this.writeAll(group);
  }

  /**
   * Writes a group in one transaction and settles each document once. When a statement fails
   * halfway through a document, SQLite rolls the whole group back: that document is refused, and
   * the others are written again, in one transaction. When the transaction cannot even begin
   * (another process holds the write lock past busy_timeout) or cannot commit, nothing was
   * written and every document gets the error: retrying each would wait out busy_timeout again.
   */
  private writeAll(group: Waiting[]): void {
    const outcomes: Outcome[] = [];
    let began = false;
    try {
      this.writeGroup(
        group.map((w) => w.doc),
        outcomes,
        () => (began = true),
      );
    } catch (error) {
      // outcomes holds one entry per document finished before the failure: the next one failed.
      const failed = outcomes.length;
      if (!began || failed >= group.length) {
        for (const w of group) w.reject(error);
        return;
      }
      group[failed]!.reject(error);
      const rest = group.filter((_, i) => i !== failed);
      if (rest.length > 0) this.writeAll(rest);
      return;
    }
    settle(group, outcomes);
  }

  /** Why the document cannot be stored, checked before any of its rows is written; else undefined. */
  private refusal(doc: NewDocument, corpusSize: number | null): QuarryError | undefined {
    if (this.byId.get(doc.corpus_id, doc.doc_id)) return conflict(`A document with id '${doc.doc_id}' already exists in this corpus`);
    const dims = doc.parts[0]?.vector.length;
    if (dims === undefined) return undefined;
    const fixed = corpusSize ?? dims;
    const wrong = doc.parts.find((p) => p.vector.length !== fixed);
    if (!wrong) return undefined;
    return invalidField('document', `the corpus holds ${fixed}-dimensional vectors; its encoder now gives ${wrong.vector.length}`);
  }

  /** Writes a document that passed `refusal`; throws only on a failing statement. */
  private insertDocument(doc: NewDocument): DocumentRecord {
    const metadataJson = JSON.stringify(doc.metadata);
    const partMetadata = doc.parts.map((p) => JSON.stringify(p.metadata));
    const title = doc.title ?? '';
    const { lastInsertRowid } = this.insertDoc.run(
      doc.corpus_id,
      doc.doc_id,
      title,
      metadataJson,
      JSON.stringify(doc.tables),
      JSON.stringify(doc.images),
      doc.parts.reduce((n, p) => n + p.text.length, 0),
      partMetadata.reduce((n, m) => n + m.length, metadataJson.length),
      nowIso(),
    );
    const docSeq = Number(lastInsertRowid);
    doc.parts.forEach((p, i) => {
      const part = this.insertPart.run(
        doc.corpus_id,
        docSeq,
        i,
        p.text,
        p.context,
        partMetadata[i],
        JSON.stringify(p.custom_dimensions),
        p.is_title ? 1 : 0,
        p.lang,
        p.offset,
        p.section_path ? JSON.stringify(p.section_path) : null,
        p.table_id,
        vectorBlob(p.vector),
      );
      this.insertFts.run(part.lastInsertRowid, p.text, title);
    });
    this.bumpParts.run(doc.corpus_id);
    return mapDoc(this.bySeq.get(docSeq)!);
  }

  async get(corpusId: number, docId: string): Promise<DocumentRecord | undefined> {
    const row = this.byId.get(corpusId, docId);
    return row && mapDoc(row);
  }

  async parts(docSeq: number): Promise<PartRecord[]> {
    return this.partsOf.all(docSeq).map(mapPart);
  }

  async list(corpusId: number, page: PageRequest, filter?: SqlFilter): Promise<Page<DocumentRecord>> {
    const rows = this.db
      .prepare<unknown[], DocRow>(
        `SELECT d.* FROM documents d WHERE d.corpus_id = ? AND d.seq > ? ${filter ? `AND (${filter.sql})` : ''}
         ORDER BY d.seq LIMIT ?`,
      )
      .all(corpusId, page.after ?? 0, ...(filter?.params ?? []), page.limit + 1);
    return toPage(rows, page.limit, (r) => r.seq, mapDoc);
  }

  async setMetadata(corpusId: number, docId: string, metadata: Record<string, unknown>): Promise<DocumentRecord | undefined> {
    const json = JSON.stringify(metadata);
    const changed = this.db.transaction(() => {
      const r = this.db
        .prepare(
          `UPDATE documents SET metadata = ?,
             metadata_chars = ? + (SELECT coalesce(sum(length(metadata)), 0) FROM parts WHERE doc_seq = documents.seq)
           WHERE corpus_id = ? AND doc_id = ?`,
        )
        .run(json, json.length, corpusId, docId);
      // Metadata decides what filters let through: caches of filter results must see the change.
      if (r.changes > 0) this.bumpParts.run(corpusId);
      return r.changes > 0;
    }).immediate();
    return changed ? this.get(corpusId, docId) : undefined;
  }


  async delete(corpusId: number, docId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const deleted = this.db.prepare('DELETE FROM documents WHERE corpus_id = ? AND doc_id = ?').run(corpusId, docId).changes > 0;
      if (deleted) this.bumpParts.run(corpusId);
      return deleted;
    }).immediate();
  }

  async deleteAll(corpusId: number): Promise<number> {
    return this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM documents WHERE corpus_id = ?').run(corpusId).changes;
      this.db.prepare('UPDATE corpora SET vector_dimensions = NULL WHERE id = ?').run(corpusId);
      this.bumpVectors.run(corpusId);
      return n;
    }).immediate();
  }

  async partTexts(corpusId: number, afterId: number, limit: number): Promise<Array<{ id: number; text: string }>> {
    return this.db
      .prepare<[number, number, number], { id: number; text: string }>(
        'SELECT id, text FROM parts WHERE corpus_id = ? AND id > ? ORDER BY id LIMIT ?',
      )
      .all(corpusId, afterId, limit);
  }

  async setVectors(corpusId: number, vectors: Array<{ id: number; vector: Float32Array }>): Promise<void> {
    const update = this.db.prepare('UPDATE parts SET vector = ? WHERE id = ? AND corpus_id = ?');
    this.db.transaction(() => {
      const fixed = this.corpusDims.get(corpusId);
      for (const { id, vector } of vectors) {
        if (fixed !== null && fixed !== undefined && vector.length !== fixed) {
          throw invalidField('vector', `the corpus holds ${fixed}-dimensional vectors, not ${vector.length}`);
        }
        update.run(vectorBlob(vector), id, corpusId);
      }
      this.bumpVectors.run(corpusId);
    }).immediate();
  }

  async usage(corpusId: number): Promise<CorpusUsage> {
    return { ...this.docUsage.get(corpusId)!, parts: this.partCount.get(corpusId)! };
  }

}
