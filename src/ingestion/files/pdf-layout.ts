/**
 * Layout of one PDF page's text layer: text items (pdfjs `getTextContent`, reduced to position,
 * width and font size) into lines, lines into text, and aligned runs of lines into tables.
 *
 * Text items are laid out by position: a new line when the baseline changes, a space where items
 * are apart, a blank line where lines are far apart. Runs of 3+ consecutive lines whose items fall
 * into the same 2+ columns become a table (first line as headers) — a heuristic over the text
 * layer, not a layout analysis: see `findTables`.
 */
import type { TableBody } from '../documents.js';
import type { TableCell } from '../types.js';

/** A text item as read from pdfjs: its string, baseline origin, advance width and font size. */
export interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
  /** pdfjs's `hasEOL`: the item ends a line. */
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
 * A page's text and, with `extractTables`, its tables (whose lines are then left out of the text).
 * `text` is empty for a page without text.
 */
export function layoutPage(items: Item[], extractTables: boolean): { text: string; tables: TableBody[] } {
  const lines = layoutLines(items);
  const tables = extractTables ? findTables(lines) : [];
  const inTable = new Set<number>();
  for (const t of tables) for (let i = t.start; i < t.end; i += 1) inTable.add(i);
  return { text: renderLines(lines.filter((_, i) => !inTable.has(i))), tables: tables.map((t) => t.table) };
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
