import type { StructuredDocumentSectionBody } from '../documents.js';

/**
 * File parsing for `upload_file`: every format turns into the same shape, the sections of a
 * structured document, so uploaded files go through the one ingestion pipeline (chunking,
 * language, embedding, indexing) like any document sent as JSON.
 */
export interface ParseOptions {
  /** The file's name as uploaded (already sanitised); a fallback title. */
  filename: string;
  /** `table_extraction_config.extract_tables`: put tables into sections' `tables`. */
  extractTables: boolean;
}

export interface ParsedFile {
  /** The document title when the format has one (metadata title, first heading). */
  title?: string;
  /**
   * The file's own metadata, merged under the caller's: `title`, `author`, `created_at`,
   * `modified_at` (ISO-8601), and format-specific extras (`page_count`, `slide_count`, ...).
   */
  metadata: Record<string, unknown>;
  /**
   * Sections in reading order. Headings become section titles (nest by level where the format
   * says so); page or slide numbers go into each section's metadata (`page`, `slide`). Sections
   * with no text and no tables are left out.
   */
  sections: StructuredDocumentSectionBody[];
}

/** A parser for one format. Throws UnreadableFileError when the bytes are not a valid file of it. */
export type FileParser = (bytes: Buffer, options: ParseOptions) => Promise<ParsedFile>;

/** The file is damaged, truncated, encrypted or not what it claims: a 400 for the caller. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

/** Hard limits that keep hostile files (ZIP bombs, endless pages) from exhausting the server. */
export const FILE_LIMITS = {
  /** Total uncompressed bytes read out of a ZIP container (DOCX, PPTX, ODT, EPUB). */
  maxUnzippedBytes: 100 * 1024 * 1024,
  /** Entries read out of a ZIP container. */
  maxZipEntries: 10_000,
  /** Pages read from a PDF; beyond, the upload is refused. */
  maxPdfPages: 2_000,
  /** Characters of extracted text; beyond, the upload is refused. */
  maxTextChars: 20_000_000,
};
