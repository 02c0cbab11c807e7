import { basename } from 'node:path';
import type { StructuredDocumentBody } from '../../ingestion/documents.js';
import { detectFormat, parseFile } from '../../ingestion/files/index.js';
import { UnreadableFileError } from '../../ingestion/files/types.js';
import type { ChunkingStrategy } from '../../ingestion/types.js';
import { invalidField, QuarryError } from '../errors.js';
import type { TableGeneration, TableSummaries } from '../generation/table-summaries.js';
import type { CreatedDocument, DocumentService } from './documents.js';

export interface UploadInput {
  bytes: Buffer;
  /** The name the client gave the file part. */
  filename: string;
  mediaType?: string;
  /** The `filename` form field: the document id to use instead of the file's name. */
  documentId?: string;
  metadata?: Record<string, unknown>;
  chunkingStrategy?: ChunkingStrategy;
  extractTables: boolean;
  /** `table_extraction_config.generation`: how extracted tables are described. */
  tableGeneration?: TableGeneration;
}

/**
 * A client's file name as a document id: the last path segment (clients send full paths, and
 * `../` must never mean anything), without control characters. Nothing left is a 400.
 */
export function documentIdFromFilename(raw: string, field: string): string {
  // eslint-disable-next-line no-control-regex
  const name = basename(raw.replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!name || name === '.' || name === '..') throw invalidField(field, 'the file name is empty once path separators and control characters are removed');
  return name;
}

/**
 * `upload_file`: recognise the file, parse it into the sections of a structured document, and
 * index that through the same pipeline as JSON documents (DocumentService.create): language,
 * chunking, embedding, a 409 for an existing id, all or nothing.
 */
export class UploadService {
  constructor(
    private readonly documents: DocumentService,
    private readonly tables?: TableSummaries,
  ) {}

  async upload(corpusKey: string, input: UploadInput): Promise<CreatedDocument> {
    const name = documentIdFromFilename(input.filename, 'file');
    const id = input.documentId !== undefined ? documentIdFromFilename(input.documentId, 'filename') : name;
    if (input.bytes.length === 0) throw invalidField('file', 'the file is empty');
    const describe = input.extractTables && this.tables ? await this.tables.prepare(input.tableGeneration) : undefined;
    const detected = await detectFormat(input.bytes, name, input.mediaType);
    if (!detected.ok) throw new QuarryError(415, `Cannot read this file: ${detected.reason}.`);
    let parsed;
    try {
      // The file is not read again after parsing: the parser may take its memory instead of a copy.
      parsed = await parseFile(detected.format, input.bytes, { filename: name, extractTables: input.extractTables, transferBytes: true });
    } catch (err) {
      if (err instanceof UnreadableFileError) throw invalidField('file', `cannot be read: ${err.message}`);
      throw err;
    }
    if (parsed.sections.length === 0) throw invalidField('file', 'has no text to index');
    if (describe) for (const section of parsed.sections) for (const table of section.tables ?? []) await describe(table);
    // Formats often repeat the title as the first heading (<title> and <h1>, front matter and
    // "# ..."): index it once, as the heading.
    const repeated = parsed.title !== undefined && parsed.sections[0]?.title?.trim() === parsed.title.trim();
    const body: StructuredDocumentBody = {
      type: 'structured',
      id,
      ...(parsed.title && !repeated ? { title: parsed.title } : {}),
      // The caller's metadata wins over what the file says about itself; a file that names no
      // title of its own is titled by its name.
      metadata: { title: parsed.title ?? name.replace(/\.[^.]*$/, ''), ...parsed.metadata, file_name: name, ...(input.metadata ?? {}) },
      sections: parsed.sections,
      ...(input.chunkingStrategy ? { chunking_strategy: input.chunkingStrategy } : {}),
    };
    return this.documents.create(corpusKey, body);
  }
}
