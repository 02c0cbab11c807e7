/**
 * Turns a create-document body (core or structured) into what gets stored and indexed: the
 * document-level fields and a flat, ordered list of parts. Pure: no I/O, no storage.
 *
 * Offsets. A document's "full text" is the sequence of its non-blank text blocks joined by a
 * single "\n" (FULL_TEXT_SEPARATOR); a block is a core part's text, a title, a section's text, a
 * table caption or a rendered table row, in the order their parts appear. A part's `offset` is
 * where its text starts in that full text, so `fullText.slice(offset, offset + text.length)` is the
 * part's text. Titles are trimmed (their offset points past leading whitespace); section texts are
 * chunked in place; core parts are kept exactly as given.
 *
 * Core documents: every document_part with non-blank text is one part, as given (no chunking).
 * Structured documents: document title, then for each section (depth first) its title, the chunks
 * of its text, its tables, then its subsections. `section_path` lists the enclosing sections
 * outermost first, each by its id, or by its 0-based position among its siblings when it has none.
 * Section metadata is merged into its parts' metadata, inner sections overriding outer ones;
 * document metadata stays on the document. Document custom_dimensions apply to every part.
 *
 * Tables become parts as described in ./tables.ts, with `table_id` set and metadata
 * `table_part: 'caption' | 'row'` (rows also get `table_row`, 1-based), and the table title as
 * the row parts' context. In a core document, a table that some document_part already points at
 * (by table_id) is taken as indexed by the client and gets no generated parts.
 */
import { invalidField } from '../domain/errors.js';
import {
  hasContent,
  optionalArray,
  optionalText,
  readCustomDimensions,
  readMetadata,
  requireText,
} from './checks.js';
import { chunkText, DEFAULT_CHUNKING_STRATEGY } from './chunkers/index.js';
import type {
  CoreDocumentBody,
  DocumentBody,
  ImageBody,
  ImageMetadata,
  NormalizedDocument,
  NormalizedTable,
  StructuredDocumentBody,
  StructuredDocumentSectionBody,
  TableBody,
} from './documents.js';
import { assignTableIds, checkTable, renderTableRows, tableCaption } from './tables.js';
import type { ChunkingStrategy, Metadata, NormalizedPart } from './types.js';

export const FULL_TEXT_SEPARATOR = '\n';
/** Sections may nest this deep; deeper is a 400 rather than a stack overflow. */
export const MAX_SECTION_DEPTH = 64;

export interface NormalizeOptions {
  /** BCP 47 language hint for sentence segmentation of structured documents. */
  language?: string;
}

/** Collects parts and keeps the running length of the document's full text. */
class PartList {
  readonly parts: NormalizedPart[] = [];
  private length = -FULL_TEXT_SEPARATOR.length; // so that the first block starts at 0

  /** Reserves the next block of the full text and returns where it starts. */
  place(block: string): number {
    const offset = this.length + FULL_TEXT_SEPARATOR.length;
    this.length = offset + block.length;
    return offset;
  }

  add(part: NormalizedPart): void {
    this.parts.push(part);
  }
}

interface PartContext {
  /** Request path of the section the parts come from, for error messages. */
  source?: string;
  metadata: Metadata;
  custom_dimensions: Record<string, number>;
  section_path: number[];
}

/** Normalises a validated create-document body; throws a 400 QuarryError for bad content. */
export function normalizeDocument(body: DocumentBody, options: NormalizeOptions = {}): NormalizedDocument {
  const type = (body as { type?: unknown }).type;
  if (type === 'core') return normalizeCore(body as CoreDocumentBody);
  if (type === 'structured') return normalizeStructured(body as StructuredDocumentBody, options);
  throw invalidField('type', "must be 'core' or 'structured'");
}

function normalizeCore(body: CoreDocumentBody): NormalizedDocument {
  const id = requireText(body.id, 'id');
  const metadata = readMetadata(body.metadata, 'metadata');
  const list = new PartList();
  const referenced = new Set<string>();
  optionalArray(body.document_parts, 'document_parts').forEach((given, i) => {
    const at = `document_parts.${i}`;
    if (typeof given !== 'object' || given === null) throw invalidField(at, 'must be an object');
    const text = requireText(given.text, `${at}.text`);
    const part: NormalizedPart = {
      text,
      metadata: readMetadata(given.metadata, `${at}.metadata`),
      custom_dimensions: readCustomDimensions(given.custom_dimensions, `${at}.custom_dimensions`),
      is_title: false,
      offset: 0,
      section_path: [],
      source: at,
    };
    const context = optionalText(given.context, `${at}.context`);
    if (context) part.context = context;
    const tableId = optionalText(given.table_id, `${at}.table_id`);
    if (tableId) {
      part.table_id = tableId;
      referenced.add(tableId);
    }
    optionalText(given.image_id, `${at}.image_id`); // validated; NormalizedPart has no field for it yet
    if (!hasContent(text)) return;
    part.offset = list.place(text);
    list.add(part);
  });

  const found = optionalArray(body.tables, 'tables').map((table, i) => ({
    table: checkTable(table, `tables.${i}`),
    path: `tables.${i}`,
  }));
  const ids = assignTableIds(found);
  const tables = found.map(({ table }, i) => withId(table, ids[i] as string));
  const base: PartContext = { metadata: {}, custom_dimensions: {}, section_path: [] };
  for (const table of tables) if (!referenced.has(table.id)) addTableParts(list, table, base);

  if (list.parts.length === 0) {
    throw invalidField('document_parts', 'the document has no text to index: every part is empty or blank');
  }
  const images = readImages(optionalArray(body.images, 'images').map((image, i) => ({ image, path: `images.${i}` })));
  return { id, metadata, tables, images, parts: list.parts };
}

function normalizeStructured(body: StructuredDocumentBody, options: NormalizeOptions): NormalizedDocument {
  const id = requireText(body.id, 'id');
  const metadata = readMetadata(body.metadata, 'metadata');
  const title = optionalText(body.title, 'title');
  const description = optionalText(body.description, 'description');
  const customDimensions = readCustomDimensions(body.custom_dimensions, 'custom_dimensions');
  const strategy: ChunkingStrategy = body.chunking_strategy ?? DEFAULT_CHUNKING_STRATEGY;
  chunkText('', strategy); // rejects a bad strategy even when there is no section text to chunk
  const sections = optionalArray(body.sections, 'sections');

  // First pass: validate the tree, collect tables (their ids must be known before any part is
  // made, as generated ids skip given ones) and images, and check section ids are unique.
  const tableRefs: Array<{ table: TableBody; path: string }> = [];
  const imageRefs: Array<{ image: ImageBody; path: string }> = [];
  const sectionIds = new Map<number, string>();
  const visit = (list: StructuredDocumentSectionBody[], path: string, depth: number): void => {
    if (depth > MAX_SECTION_DEPTH && list.length > 0) {
      throw invalidField(path, `sections may nest at most ${MAX_SECTION_DEPTH} levels deep`);
    }
    list.forEach((section, i) => {
      const at = `${path}.${i}`;
      if (typeof section !== 'object' || section === null) throw invalidField(at, 'must be an object');
      if (section.id !== undefined && section.id !== null) {
        if (!Number.isInteger(section.id)) throw invalidField(`${at}.id`, 'must be an integer');
        const earlier = sectionIds.get(section.id);
        if (earlier !== undefined) {
          throw invalidField(`${at}.id`, `duplicate section id ${section.id} (also at ${earlier})`);
        }
        sectionIds.set(section.id, at);
      }
      optionalText(section.title, `${at}.title`);
      optionalText(section.text, `${at}.text`);
      readMetadata(section.metadata, `${at}.metadata`);
      optionalArray(section.tables, `${at}.tables`).forEach((table, j) => {
        tableRefs.push({ table: checkTable(table, `${at}.tables.${j}`), path: `${at}.tables.${j}` });
      });
      optionalArray(section.images, `${at}.images`).forEach((image, j) => {
        imageRefs.push({ image, path: `${at}.images.${j}` });
      });
      visit(optionalArray(section.sections, `${at}.sections`), `${at}.sections`, depth + 1);
    });
  };
  visit(sections, 'sections', 1);
  const ids = assignTableIds(tableRefs);
  const tableIds = new Map<TableBody, string>(tableRefs.map(({ table }, i) => [table, ids[i] as string]));

  // Second pass: make the parts in document order.
  const list = new PartList();
  const root: PartContext = { metadata: {}, custom_dimensions: customDimensions, section_path: [] };
  if (title !== undefined) addTitle(list, title, root);
  const tables: NormalizedTable[] = [];
  const walk = (children: StructuredDocumentSectionBody[], parent: PartContext): void => {
    children.forEach((section, i) => {
      const ctx: PartContext = {
        source: parent.source ? `${parent.source}.sections.${i}` : `sections.${i}`,
        metadata: { ...parent.metadata, ...(section.metadata ?? {}) },
        custom_dimensions: customDimensions,
        section_path: [...parent.section_path, section.id ?? i],
      };
      if (typeof section.title === 'string') addTitle(list, section.title, ctx);
      if (typeof section.text === 'string' && hasContent(section.text)) {
        const offset = list.place(section.text);
        for (const chunk of chunkText(section.text, strategy, options)) {
          list.add(makePart(chunk.text, offset + chunk.start, ctx, false));
        }
      }
      for (const table of section.tables ?? []) {
        const normalized = withId(table, tableIds.get(table) as string);
        tables.push(normalized);
        addTableParts(list, normalized, ctx);
      }
      walk(section.sections ?? [], ctx);
    });
  };
  walk(sections, root);

  if (list.parts.length === 0) {
    throw invalidField(
      'sections',
      'the document has no text to index: every title and section text is empty or blank',
    );
  }
  const doc: NormalizedDocument = { id, metadata, tables, images: readImages(imageRefs), parts: list.parts };
  if (title !== undefined) doc.title = title;
  if (description !== undefined) doc.description = description;
  return doc;
}

function makePart(text: string, offset: number, ctx: PartContext, isTitle: boolean): NormalizedPart {
  return {
    text,
    metadata: { ...ctx.metadata },
    custom_dimensions: { ...ctx.custom_dimensions },
    is_title: isTitle,
    offset,
    section_path: [...ctx.section_path],
    ...(ctx.source ? { source: ctx.source } : {}),
  };
}

/** A title is one part, whatever the chunking strategy, trimmed; a blank title gives none. */
function addTitle(list: PartList, title: string, ctx: PartContext): void {
  if (!hasContent(title)) return;
  const offset = list.place(title);
  const lead = title.length - title.trimStart().length;
  list.add(makePart(title.trim(), offset + lead, ctx, true));
}

function addTableParts(list: PartList, table: NormalizedTable, ctx: PartContext): void {
  const caption = tableCaption(table);
  if (caption) {
    const part = makePart(caption, list.place(caption), ctx, false);
    part.metadata.table_part = 'caption';
    part.table_id = table.id;
    list.add(part);
  }
  const title = table.title?.trim();
  renderTableRows(table).forEach((row, r) => {
    if (!row) return;
    const part = makePart(row, list.place(row), ctx, false);
    Object.assign(part.metadata, { table_part: 'row', table_row: r + 1 });
    part.table_id = table.id;
    if (title) part.context = title;
    list.add(part);
  });
}

/** A copy of the table with its (given or generated) id; the input object is left untouched. */
function withId(table: TableBody, id: string): NormalizedTable {
  return { ...table, id };
}

/** Image metadata in document order: the bytes are dropped; ids are unique (generated if missing). */
function readImages(refs: Array<{ image: ImageBody; path: string }>): ImageMetadata[] {
  const seen = new Map<string, string>();
  for (const { image, path } of refs) {
    if (typeof image !== 'object' || image === null) throw invalidField(path, 'must be an object');
    const id = optionalText(image.id, `${path}.id`);
    if (!id) continue;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw invalidField(`${path}.id`, `duplicate image id '${id}' (also at ${earlier})`);
    seen.set(id, path);
  }
  let counter = 0;
  return refs.map(({ image, path }) => {
    let id = image.id;
    if (!id) {
      do id = `image_${++counter}`;
      while (seen.has(id));
      seen.set(id, 'generated');
    }
    const out: ImageMetadata = { id };
    for (const field of ['title', 'caption', 'description'] as const) {
      const value = optionalText(image[field], `${path}.${field}`);
      if (value !== undefined) out[field] = value;
    }
    const mime = optionalText(image.image_data?.mime_type, `${path}.image_data.mime_type`);
    if (mime !== undefined) out.mime_type = mime;
    return out;
  });
}
