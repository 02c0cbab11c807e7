/**
 * Reads a PDF's text layer with pdfjs-dist (legacy build, which runs in Node with an in-process
 * "fake" worker: no worker file, no network, no eval, no font loading). This runs inside the PDF
 * reader thread (pdf-worker.ts); the server's side is pdf.ts.
 *
 * One section per page (`metadata.page`, 1-based; pages without text are left out), handed to
 * `emit` as soon as its page is read, so the reader never holds more than one page's text.
 */
import { getDocument, PDFDateString } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { StructuredDocumentSectionBody } from '../documents.js';
import { layoutPage, type Item } from './pdf-layout.js';
import { FILE_LIMITS, UnreadableFileError } from './types.js';

/** What a PDF says about itself: `title` and the file metadata of ParsedFile. */
export interface PdfHead {
  title?: string;
  metadata: Record<string, unknown>;
}

/**
 * Pages read between two `doc.cleanup()` calls. pdfjs keeps what it parsed for every page read
 * (page dictionaries, fonts, and in each font a cache of glyphs keyed by every distinct string
 * shown), about 60 KB a page of plain text: 40 MB, four times the file, by the end of a 10 MB
 * PDF. Cleaning up drops those caches; fonts are re-read on the next page that uses them, which
 * every 20 pages costs nothing measurable (reading is in fact faster with smaller caches).
 */
const CLEANUP_EVERY_PAGES = 20;

/**
 * Reads `data` (which pdfjs may keep and detach: pass a buffer nobody else needs), calling `emit`
 * with each page's section in page order. Every failure is an UnreadableFileError.
 */
export async function readPdf(
  data: Uint8Array,
  extractTables: boolean,
  emit: (section: StructuredDocumentSectionBody) => void,
): Promise<PdfHead> {
  const task = getDocument({
    // A Uint8Array spanning its whole buffer is used as is; anything else pdfjs would copy.
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    verbosity: 0,
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw unreadable(error);
  }
  try {
    return await readDocument(doc, extractTables, emit);
  } catch (error) {
    throw unreadable(error);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

function unreadable(error: unknown): UnreadableFileError {
  if (error instanceof UnreadableFileError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') return new UnreadableFileError('PDF file is encrypted with a password');
  return new UnreadableFileError(`not a readable PDF file (${message})`);
}

async function readDocument(
  doc: PDFDocumentProxy,
  extractTables: boolean,
  emit: (section: StructuredDocumentSectionBody) => void,
): Promise<PdfHead> {
  const pageCount = doc.numPages;
  if (pageCount > FILE_LIMITS.maxPdfPages) {
    throw new UnreadableFileError(`PDF has ${pageCount} pages; at most ${FILE_LIMITS.maxPdfPages} are accepted`);
  }
  const head = await readInfo(doc);
  head.metadata.page_count = pageCount;

  let chars = 0;
  const count = (text: string) => {
    chars += text.length;
    if (chars > FILE_LIMITS.maxTextChars) throw new UnreadableFileError(`file has more than ${FILE_LIMITS.maxTextChars} characters of text`);
  };
  for (let n = 1; n <= pageCount; n += 1) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    page.cleanup();
    if (n % CLEANUP_EVERY_PAGES === 0) await doc.cleanup();
    const items: Item[] = [];
    for (const raw of content.items) {
      if (!('str' in raw)) continue;
      const t = raw.transform as number[];
      const size = Math.abs(t[3] ?? 0) || Math.hypot(t[2] ?? 0, t[3] ?? 0) || raw.height || 10;
      items.push({ str: raw.str, x: t[4] ?? 0, y: t[5] ?? 0, width: raw.width, size, eol: raw.hasEOL });
    }
    const { text, tables } = layoutPage(items, extractTables);
    count(text);
    for (const t of tables) count(JSON.stringify(t));
    if (!text && tables.length === 0) continue;
    const section: StructuredDocumentSectionBody = { metadata: { page: n } };
    if (text) section.text = text;
    if (tables.length > 0) section.tables = tables;
    emit(section);
  }
  return head;
}

/** Title, author, subject, keywords and dates from the document info (or XMP); never fatal. */
async function readInfo(doc: PDFDocumentProxy): Promise<PdfHead> {
  const metadata: Record<string, unknown> = {};
  let title: string | undefined;
  try {
    const meta = await doc.getMetadata();
    const info = (meta.info ?? {}) as Record<string, unknown>;
    title = str(info.Title) ?? str(meta.metadata?.get('dc:title'));
    const author = str(info.Author) ?? str(meta.metadata?.get('dc:creator'));
    if (title) metadata.title = title;
    if (author) metadata.author = author;
    const subject = str(info.Subject);
    if (subject) metadata.subject = subject;
    const keywords = str(info.Keywords);
    if (keywords) metadata.keywords = keywords;
    const created = pdfDate(info.CreationDate);
    if (created) metadata.created_at = created;
    const modified = pdfDate(info.ModDate);
    if (modified) metadata.modified_at = modified;
  } catch {
    // Unreadable document info is not fatal: the pages may still be readable.
  }
  return title ? { title, metadata } : { metadata };
}

function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed || undefined;
}

function pdfDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    const date = PDFDateString.toDateObject(value);
    if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  } catch {
    // fall through
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
