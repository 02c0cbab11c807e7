import { conflict, invalidField } from '../../domain/errors.js';
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

const vectorBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

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

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[number, string], DocRow>('SELECT * FROM documents WHERE corpus_id = ? AND doc_id = ?');
    this.bySeq = db.prepare<[number], DocRow>('SELECT * FROM documents WHERE seq = ?');
    this.partsOf = db.prepare<[number], PartRow>('SELECT * FROM parts WHERE doc_seq = ? ORDER BY part_index');
    this.insertDoc = db.prepare(
      `INSERT INTO documents (corpus_id, doc_id, title, metadata, tables, images, text_chars, metadata_chars, created_at)
       VALUES (@corpus_id, @doc_id, @title, @metadata, @tables, @images, @text_chars, @metadata_chars, @created_at)`,
    );
    this.insertPart = db.prepare(
      `INSERT INTO parts (corpus_id, doc_seq, part_index, text, context, metadata, custom_dimensions, is_title, lang,
                          text_offset, section_path, table_id, vector)
       VALUES (@corpus_id, @doc_seq, @part_index, @text, @context, @metadata, @custom_dimensions, @is_title, @lang,
               @text_offset, @section_path, @table_id, @vector)`,
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
  }

  async create(doc: NewDocument): Promise<DocumentRecord> {
    const metadataJson = JSON.stringify(doc.metadata);
    const run = this.db.transaction(() => {
      if (this.byId.get(doc.corpus_id, doc.doc_id)) throw conflict(`A document with id '${doc.doc_id}' already exists in this corpus`);
      const dims = doc.parts[0]?.vector.length;
      if (dims !== undefined) {
        const fixed = this.corpusDims.get(doc.corpus_id);
        if (fixed !== null && fixed !== undefined && doc.parts.some((p) => p.vector.length !== fixed)) {
          throw invalidField('document', `the corpus holds ${fixed}-dimensional vectors; its encoder now gives ${dims}`);
        }
        if (fixed === null) this.fixDims.run(dims, doc.corpus_id);
      }
      const { lastInsertRowid } = this.insertDoc.run({
        corpus_id: doc.corpus_id,
        doc_id: doc.doc_id,
        title: doc.title ?? '',
        metadata: metadataJson,
        tables: JSON.stringify(doc.tables),
        images: JSON.stringify(doc.images),
        text_chars: doc.parts.reduce((n, p) => n + p.text.length, 0),
        metadata_chars: metadataJson.length + doc.parts.reduce((n, p) => n + JSON.stringify(p.metadata).length, 0),
        created_at: nowIso(),
      });
      const docSeq = Number(lastInsertRowid);
      doc.parts.forEach((p, i) => {
        const part = this.insertPart.run({
          corpus_id: doc.corpus_id,
          doc_seq: docSeq,
          part_index: i,
          text: p.text,
          context: p.context,
          metadata: JSON.stringify(p.metadata),
          custom_dimensions: JSON.stringify(p.custom_dimensions),
          is_title: p.is_title ? 1 : 0,
          lang: p.lang,
          text_offset: p.offset,
          section_path: p.section_path ? JSON.stringify(p.section_path) : null,
          table_id: p.table_id,
          vector: vectorBlob(p.vector),
        });
        this.insertFts.run(part.lastInsertRowid, p.text, doc.title ?? '');
      });
      this.bumpParts.run(doc.corpus_id);
      return mapDoc(this.bySeq.get(docSeq)!);
    });
    // IMMEDIATE: take the write lock before the reads inside, so a second writer (the operator CLI
    // beside the server) waits for busy_timeout instead of failing on a stale snapshot.
    return run.immediate();
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
