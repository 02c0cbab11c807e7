/**
 * The two document bodies `POST /v2/corpora/{corpus_key}/documents` accepts, as the ingestion
 * code sees them after schema validation, and the normalised document it turns them into.
 * Optional fields may also arrive as `null` from lenient clients; normalisation treats null as absent.
 */
import type { ChunkingStrategy, Metadata, NormalizedPart, Table, TableCell } from './types.js';

/** A table as sent in a body (the types.ts `Table` plus the spec's optional description). */
export interface TableBody extends Table {
  description?: string;
  data?: { headers?: TableCell[][]; rows?: TableCell[][] };
}

/** An image as sent in a body; its binary data is accepted and dropped. */
export interface ImageBody {
  id?: string;
  title?: string;
  caption?: string;
  description?: string;
  image_data?: { data?: string; mime_type?: string };
}

/** One explicitly given part of a core document: indexed exactly as given. */
export interface CoreDocumentPartBody {
  text: string;
  metadata?: Metadata | null;
  table_id?: string;
  image_id?: string;
  context?: string;
  custom_dimensions?: Record<string, number> | null;
}

/** `type: core`: the client gives every part itself. */
export interface CoreDocumentBody {
  type: 'core';
  id: string;
  metadata?: Metadata | null;
  tables?: TableBody[] | null;
  images?: ImageBody[] | null;
  document_parts: CoreDocumentPartBody[];
}

/** A section of a structured document; sections nest. */
export interface StructuredDocumentSectionBody {
  /** An int32, unique within the document. */
  id?: number;
  title?: string;
  text?: string;
  metadata?: Metadata | null;
  tables?: TableBody[] | null;
  images?: ImageBody[] | null;
  sections?: StructuredDocumentSectionBody[] | null;
}

/** `type: structured`: the server chunks the sections' texts with `chunking_strategy`. */
export interface StructuredDocumentBody {
  type: 'structured';
  id: string;
  title?: string;
  description?: string;
  metadata?: Metadata | null;
  custom_dimensions?: Record<string, number> | null;
  sections: StructuredDocumentSectionBody[];
  chunking_strategy?: ChunkingStrategy | null;
}

export type DocumentBody = CoreDocumentBody | StructuredDocumentBody;

/** A table as stored with the document: always has an id, unique within the document. */
export interface NormalizedTable extends TableBody {
  id: string;
}

/** What the API returns about an image (the spec's ImageMetadata): everything but the bytes. */
export interface ImageMetadata {
  id: string;
  title?: string;
  caption?: string;
  description?: string;
  mime_type?: string;
}

/** A document ready to be stored and indexed. */
export interface NormalizedDocument {
  id: string;
  /** Document-level metadata, exactly as given (never merged into parts). */
  metadata: Metadata;
  /** Structured documents only: their title (also indexed as the first, title, part). */
  title?: string;
  /** Structured documents only: their description (kept, not indexed). */
  description?: string;
  tables: NormalizedTable[];
  images: ImageMetadata[];
  parts: NormalizedPart[];
}
