import type { DocumentBody } from '../../ingestion/documents.js';
import { checkMetadataSize, prepareDocument } from '../../ingestion/pipeline.js';
import { checkMetadata } from '../../ingestion/validate-metadata.js';
import type { CorpusRecord, DocumentRecord, Page, PageRequest, PartRecord, SqlFilter, Storage } from '../../storage/types.js';
import type { EncoderService } from '../encoders/encoders.js';
import { conflict, forbidden, notFound } from '../errors.js';

export interface DocumentPartView {
  text: string;
  metadata: Record<string, unknown>;
  context?: string;
  custom_dimensions: Record<string, number>;
}

export interface DocumentView {
  id: string;
  metadata: Record<string, unknown>;
  tables: unknown[];
  images: unknown[];
  parts?: DocumentPartView[];
  storage_usage: { bytes_used: number; metadata_bytes_used: number };
}

/**
 * What indexing a document answers: the document as the API shows it after creation (without its
 * parts: Vectara returns those only when a document is read by id) and how many parts it got.
 */
export interface CreatedDocument {
  document: DocumentView;
  partCount: number;
}

/** Compiles a document-level metadata filter for a corpus (the filter language lives in retrieval/). */
export type DocumentFilterCompiler = (corpus: CorpusRecord, filter: string) => SqlFilter;

function view(d: DocumentRecord, parts?: readonly PartRecord[]): DocumentView {
  return {
    id: d.doc_id,
    metadata: d.metadata,
    tables: d.tables,
    images: d.images,
    ...(parts
      ? {
          parts: parts.map((p) => ({
            text: p.text,
            metadata: p.is_title ? { ...p.metadata, is_title: true } : p.metadata,
            ...(p.context ? { context: p.context } : {}),
            custom_dimensions: p.custom_dimensions,
          })),
        }
      : {}),
    storage_usage: { bytes_used: d.text_chars + d.metadata_chars, metadata_bytes_used: d.metadata_chars },
  };
}

/** Documents of a corpus: indexed through the ingestion pipeline, read back with their parts. */
export class DocumentService {
  constructor(
    private readonly storage: Storage,
    private readonly encoders: EncoderService,
    private readonly compileFilter: DocumentFilterCompiler,
  ) {}

  private async corpus(key: string): Promise<CorpusRecord> {
    const corpus = await this.storage.corpora.getByKey(key);
    if (!corpus) throw notFound('Corpus', key);
    return corpus;
  }

  private async writableCorpus(key: string): Promise<CorpusRecord> {
    const corpus = await this.corpus(key);
    if (!corpus.enabled) throw forbidden(`Corpus '${key}' is disabled; enable it to change its documents.`);
    return corpus;
  }

  async create(corpusKey: string, body: DocumentBody): Promise<CreatedDocument> {
    const corpus = await this.writableCorpus(corpusKey);
    // Checked before embedding to spare the encoder; the repository checks again atomically.
    if (typeof body.id === 'string' && (await this.storage.documents.get(corpus.id, body.id))) {
      throw conflict(`A document with id '${body.id}' already exists in corpus '${corpusKey}'`);
    }
    const prepared = await prepareDocument(corpus, body, await this.encoders.resolve(corpus.encoder_name));
    const stored = await this.storage.documents.create(prepared);
    return { document: view(stored), partCount: prepared.parts.length };
  }

  async list(corpusKey: string, page: PageRequest, metadataFilter?: string): Promise<Page<DocumentView>> {
    const corpus = await this.corpus(corpusKey);
    const filter = metadataFilter?.trim() ? this.compileFilter(corpus, metadataFilter) : undefined;
    const result = await this.storage.documents.list(corpus.id, page, filter);
    return { ...result, items: result.items.map((d) => view(d)) };
  }

  private async require(corpus: CorpusRecord, docId: string): Promise<DocumentRecord> {
    const doc = await this.storage.documents.get(corpus.id, docId);
    if (!doc) throw notFound('Document', docId);
    return doc;
  }

  async get(corpusKey: string, docId: string): Promise<DocumentView> {
    const doc = await this.require(await this.corpus(corpusKey), docId);
    return view(doc, await this.storage.documents.parts(doc.seq));
  }

  async delete(corpusKey: string, docId: string): Promise<void> {
    const corpus = await this.writableCorpus(corpusKey);
    if (!(await this.storage.documents.delete(corpus.id, docId))) throw notFound('Document', docId);
  }

  /** `merge`: PATCH adds or overwrites the given fields; otherwise PUT replaces the whole object. */
  async setMetadata(corpusKey: string, docId: string, metadata: Record<string, unknown>, merge: boolean): Promise<DocumentView> {
    const corpus = await this.writableCorpus(corpusKey);
    const doc = await this.require(corpus, docId);
    const next = merge ? { ...doc.metadata, ...metadata } : metadata;
    checkMetadata(next, corpus.filter_attributes, 'document', 'metadata');
    checkMetadataSize(next, 'metadata');
    const updated = await this.storage.documents.setMetadata(corpus.id, docId, next);
    if (!updated) throw notFound('Document', docId);
    return view(updated, await this.storage.documents.parts(updated.seq));
  }
}
