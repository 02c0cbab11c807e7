/**
 * PDF: the text layer of each page, through pdfjs-dist (legacy build, which runs in Node with an
 * in-process "fake" worker: no worker file, no network, no eval, no font loading).
 *
 * One section per page (`metadata.page`, 1-based; pages without text are left out). Text items
 * are laid out by position: a new line when the baseline changes, a space where items are apart,
 * a blank line where lines are far apart. With `extractTables`, runs of 3+ consecutive lines whose
 * items fall into the same 2+ columns become a table (first line as headers) — a heuristic over the
 * text layer, not a layout analysis: see `findTables`.
 */
import { getDocument, PDFDateString } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { StructuredDocumentSectionBody, TableBody } from '../documents.js';
import type { TableCell } from '../types.js';
import type { FileParser, ParsedFile } from './types.js';
import { FILE_LIMITS, UnreadableFileError } from './types.js';
import { TextBudget } from './zip.js';

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
  eol: boolean;
}

/** A run of text on one line; a line's cells are separated by wide gaps. */
interface Cell {
  text: string;
  x0: number;
  x1: number;
}

interface Line {
  y: number;
  size: number;
  cells: Cell[];
}

/** Gap (in font sizes) above which two items on a line are in different columns. */
const COLUMN_GAP = 1.2;
/** Gap (in font sizes) above which two items on a line get a space between them. */
const WORD_GAP = 0.15;
/** The longest cell a table heuristic accepts (prose lines are longer). */
const MAX_CELL_CHARS = 60;
/**
 * Pages read between two `doc.cleanup()` calls. pdfjs keeps what it parsed for every page read
 * (page dictionaries, fonts, and in each font a cache of glyphs keyed by every distinct string
 * shown), about 60 KB a page of plain text: 40 MB, four times the file, by the end of a 10 MB
 * PDF. Cleaning up drops those caches; fonts are re-read on the next page that uses them, which
 * every 20 pages costs nothing measurable (reading is in fact faster with smaller caches).
 */
const CLEANUP_EVERY_PAGES = 20;

export const parsePdf: FileParser = async (bytes, options) => {
  checkEnvelope(bytes);
  const task = getDocument({
    data: new Uint8Array(bytes),
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
    return await readDocument(doc, options.extractTables);
  } catch (error) {
    throw unreadable(error);
  } finally {
    await task.destroy().catch(() => undefined);
  }
};

/** A PDF starts with `%PDF-` (within its first KiB) and ends with `%%EOF` (within its last). */
function checkEnvelope(bytes: Buffer): void {
  const head = bytes.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-')) throw new UnreadableFileError('not a PDF file (no %PDF- header)');
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1');
  if (!tail.includes('%%EOF')) throw new UnreadableFileError('PDF file is truncated (no %%EOF marker)');
}

function unreadable(error: unknown): UnreadableFileError {
  if (error instanceof UnreadableFileError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') return new UnreadableFileError('PDF file is encrypted with a password');
  return new UnreadableFileError(`not a readable PDF file (${message})`);
}

async function readDocument(doc: PDFDocumentProxy, extractTables: boolean): Promise<ParsedFile> {
  const pageCount = doc.numPages;
  if (pageCount > FILE_LIMITS.maxPdfPages) {
    throw new UnreadableFileError(`PDF has ${pageCount} pages; at most ${FILE_LIMITS.maxPdfPages} are accepted`);
  }
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
  metadata.page_count = pageCount;

  const budget = new TextBudget();
  const sections: StructuredDocumentSectionBody[] = [];
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
    const lines = layoutLines(items);
    const tables = extractTables ? findTables(lines) : [];
    const inTable = new Set<number>();
    for (const t of tables) for (let i = t.start; i < t.end; i += 1) inTable.add(i);
    const text = renderLines(lines.filter((_, i) => !inTable.has(i)));
    budget.add(text);
    for (const t of tables) budget.add(JSON.stringify(t.table));
    if (!text && tables.length === 0) continue;
    const section: StructuredDocumentSectionBody = { metadata: { page: n } };
    if (text) section.text = text;
    if (tables.length > 0) section.tables = tables.map((t) => t.table);
    sections.push(section);
  }
  const parsed: ParsedFile = { metadata, sections };
  if (title) parsed.title = title;
  return parsed;
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

/** Groups text items into lines (a new line when the baseline moves) and lines into cells. */
function layoutLines(items: Item[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  let prevEnd = 0;
  let spaceSeen = false;
  let closeLine = false;
  for (const item of items) {
    const blank = item.str.trim() === '';
    if (line && !closeLine && Math.abs(item.y - line.y) <= 0.4 * Math.max(line.size, item.size)) {
      if (blank) {
        spaceSeen = true;
      } else {
        const cell = line.cells[line.cells.length - 1];
        const gap = item.x - prevEnd;
        const size = Math.max(line.size, item.size);
        if (!cell || gap > COLUMN_GAP * size) {
          line.cells.push({ text: item.str, x0: item.x, x1: item.x + item.width });
        } else {
          const sep = spaceSeen || gap > WORD_GAP * size || gap < -size ? ' ' : '';
          cell.text += sep + item.str;
          cell.x1 = Math.max(cell.x1, item.x + item.width);
        }
        prevEnd = item.x + item.width;
        spaceSeen = false;
      }
    } else if (!blank) {
      line = { y: item.y, size: item.size, cells: [{ text: item.str, x0: item.x, x1: item.x + item.width }] };
      lines.push(line);
      prevEnd = item.x + item.width;
      spaceSeen = false;
    }
    if (item.eol) closeLine = true;
    else if (!blank) closeLine = false;
  }
  for (const l of lines) for (const c of l.cells) c.text = c.text.replace(/\s+/g, ' ').trim();
  return lines.filter((l) => l.cells.some((c) => c.text));
}

function renderLines(lines: Line[]): string {
  const out: string[] = [];
  let prev: Line | undefined;
  for (const line of lines) {
    const text = line.cells.map((c) => c.text).filter(Boolean).join(' ');
    if (prev && Math.abs(prev.y - line.y) > 1.8 * Math.max(prev.size, line.size)) out.push('');
    out.push(text);
    prev = line;
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Tables on a page's text layer: a run of at least 3 consecutive lines, each split into the same
 * number (2+) of cells by wide gaps, every cell short, each cell overlapping horizontally the
 * column it belongs to (and no other), and no large vertical gap inside the run. The first line
 * is the header row. Rows with an empty cell, cells wrapped over several lines and ruled tables
 * whose cells are drawn apart from their text do not fit this and stay in the page text.
 */
function findTables(lines: Line[]): { start: number; end: number; table: TableBody }[] {
  const found: { start: number; end: number; table: TableBody }[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (!isRowCandidate(first)) {
      i += 1;
      continue;
    }
    const columns = first.cells.map((c) => ({ x0: c.x0, x1: c.x1 }));
    let j = i + 1;
    while (j < lines.length) {
      const line = lines[j]!;
      const prev = lines[j - 1]!;
      if (!isRowCandidate(line) || line.cells.length !== columns.length) break;
      if (Math.abs(prev.y - line.y) > 2.5 * Math.max(prev.size, line.size)) break;
      const slack = 0.5 * line.size;
      const aligned = line.cells.every((cell, k) => {
        const col = columns[k]!;
        const overlaps = cell.x0 <= col.x1 + slack && cell.x1 >= col.x0 - slack;
        const before = columns[k - 1];
        const after = columns[k + 1];
        const clearOfPrev = !before || cell.x0 > before.x1 - slack;
        const clearOfNext = !after || cell.x1 < after.x0 + slack;
        return overlaps && clearOfPrev && clearOfNext;
      });
      if (!aligned) break;
      line.cells.forEach((cell, k) => {
        const col = columns[k]!;
        col.x0 = Math.min(col.x0, cell.x0);
        col.x1 = Math.max(col.x1, cell.x1);
      });
      j += 1;
    }
    if (j - i >= 3) {
      const row = (l: Line): TableCell[] => l.cells.map((c) => ({ text_value: c.text }));
      found.push({
        start: i,
        end: j,
        table: { data: { headers: [row(first)], rows: lines.slice(i + 1, j).map(row) } },
      });
      i = j;
    } else {
      i += 1;
    }
  }
  return found;
}

function isRowCandidate(line: Line): boolean {
  return line.cells.length >= 2 && line.cells.every((c) => c.text.length > 0 && c.text.length <= MAX_CELL_CHARS);
}
