/**
 * OpenDocument text (ODT): `content.xml`'s body in reading order. Headings (`text:h`, by
 * `text:outline-level`) open nested sections; paragraphs and list items are text; tables
 * (`table:table`) become section tables with `extractTables` (header rows from
 * `table:table-header-rows`, else the first row; `number-columns-spanned` → colspan,
 * `number-rows-spanned` → rowspan), else text rows. Footnotes, annotations, tracked deletions and
 * generated indexes (table of contents) are left out. Metadata from `meta.xml`.
 */
import type { TableBody } from '../documents.js';
import type { TableCell } from '../types.js';
import { SectionBuilder } from './sections.js';
import type { FileParser, ParsedFile } from './types.js';
import { UnreadableFileError } from './types.js';
import type { XmlNode } from './zip.js';
import { attr, childrenNamed, descend, firstChild, isoDate, localName, parseXml, readZip, TextBudget, textOf, tidyText } from './zip.js';

/** Inline elements whose content is not part of the running text. */
const SKIPPED_INLINE = new Set(['note', 'annotation', 'annotation-end', 'tracked-changes', 'bookmark', 'bookmark-start', 'bookmark-end', 'reference-mark', 'soft-page-break', 'sequence-decls', 'variable-decls', 'user-field-decls']);
/** Block elements left out: generated indexes repeat the headings, forms and decls carry no text. */
const SKIPPED_BLOCK = new Set(['table-of-content', 'alphabetical-index', 'illustration-index', 'table-index', 'object-index', 'user-index', 'bibliography', 'tracked-changes', 'sequence-decls', 'variable-decls', 'user-field-decls', 'forms', 'soft-page-break']);
/** Cap on one table's expanded cells (`number-columns-repeated` can claim thousands of empty ones). */
const MAX_TABLE_CELLS = 100_000;

export const parseOdt: FileParser = async (bytes, options) => {
  const files = readZip(bytes, (name) => name === 'content.xml' || name === 'meta.xml');
  const content = files.get('content.xml');
  if (!content) throw new UnreadableFileError('not an OpenDocument file (no content.xml)');
  const body = descend(parseXml(content, 'content.xml'), 'document-content', 'body', 'text');
  if (!body) throw new UnreadableFileError('not an OpenDocument text file (no office:text body)');

  const budget = new TextBudget();
  const builder = new SectionBuilder();
  let firstHeading: string | undefined;

  const addTable = (node: XmlNode): void => {
    const { headers, rows } = readTable(node);
    if (headers.length === 0 && rows.length === 0) return;
    budget.add(JSON.stringify([headers, rows]));
    if (options.extractTables) {
      const table: TableBody = { data: { headers, rows } };
      const name = attr(node, 'name');
      if (name && !/^Table\d+$/.test(name)) table.title = name;
      builder.table(table);
    } else {
      const group = builder.newGroup();
      for (const row of [...headers, ...rows]) {
        builder.block(row.map((c) => c.text_value ?? '').filter(Boolean).join(' | '), group);
      }
    }
  };

  const walkBlocks = (node: XmlNode, group?: number): void => {
    for (const child of node.children) {
      if (child.name === '#text') continue;
      const local = localName(child.name);
      if (SKIPPED_BLOCK.has(local)) continue;
      switch (local) {
        case 'h': {
          const text = inlineText(child).replace(/\s*\n\s*/g, ' ').trim();
          if (!text) break;
          budget.add(text);
          const level = Math.max(1, Math.min(10, Number(attr(child, 'outline-level') ?? 1) || 1));
          if (firstHeading === undefined) firstHeading = text;
          builder.heading(level, text);
          break;
        }
        case 'p': {
          const text = inlineText(child);
          budget.add(text);
          builder.block(text, group);
          break;
        }
        case 'list': {
          const listGroup = group ?? builder.newGroup();
          for (const item of [...childrenNamed(child, 'list-header'), ...childrenNamed(child, 'list-item')]) {
            walkBlocks(item, listGroup);
          }
          break;
        }
        case 'table':
          addTable(child);
          break;
        default:
          // Containers: text:section, text:index-body, draw:frame/text-box, table:table-row-group...
          walkBlocks(child, group);
      }
    }
  };
  walkBlocks(body);

  const metadata = readMeta(files.get('meta.xml'));
  const title = (metadata.title as string | undefined) ?? firstHeading;
  const parsed: ParsedFile = { metadata, sections: builder.finish() };
  if (title) parsed.title = title;
  return parsed;
};

/** The running text of a paragraph or heading (`text:s`, `text:tab`, `text:line-break` honoured). */
function inlineText(node: XmlNode): string {
  let out = '';
  const walk = (n: XmlNode): void => {
    for (const c of n.children) {
      if (c.name === '#text') {
        out += (c.text ?? '').replace(/[\r\n\t]+/g, ' ');
        continue;
      }
      const local = localName(c.name);
      if (SKIPPED_INLINE.has(local)) continue;
      if (local === 's') out += ' '.repeat(Math.min(100, Math.max(1, Number(attr(c, 'c') ?? 1) || 1)));
      else if (local === 'tab') out += '\t';
      else if (local === 'line-break') out += '\n';
      else if (local === 'p' || local === 'h') {
        // a paragraph inside a frame/text box anchored in this paragraph
        out += '\n';
        walk(c);
        out += '\n';
      } else walk(c);
    }
  };
  walk(node);
  return tidyText(out);
}

interface Row {
  cells: TableCell[];
  header: boolean;
}

function readTable(table: XmlNode): { headers: TableCell[][]; rows: TableCell[][] } {
  const rows: Row[] = [];
  let budget = MAX_TABLE_CELLS;
  const collect = (node: XmlNode, header: boolean): void => {
    for (const child of node.children) {
      if (child.name === '#text') continue;
      const local = localName(child.name);
      if (local === 'table-header-rows') collect(child, true);
      else if (local === 'table-rows' || local === 'table-row-group') collect(child, header);
      else if (local === 'table-row') {
        const cells = readRow(child);
        const repeat = Math.max(1, Number(attr(child, 'number-rows-repeated') ?? 1) || 1);
        if (!cells.some((c) => c.text_value)) continue; // empty rows (often repeated by the thousand)
        for (let r = 0; r < Math.min(repeat, 1000) && budget > 0; r += 1) {
          rows.push({ cells: cells.map((c) => ({ ...c })), header });
          budget -= cells.length;
        }
      }
    }
  };
  const readRow = (tr: XmlNode): TableCell[] => {
    const cells: TableCell[] = [];
    for (const tc of tr.children) {
      if (tc.name === '#text') continue;
      const local = localName(tc.name);
      if (local === 'covered-table-cell') continue; // the area a spanning cell covers
      if (local !== 'table-cell') continue;
      const text = cellText(tc);
      const cell: TableCell = { text_value: text };
      const colspan = Number(attr(tc, 'number-columns-spanned') ?? 1);
      const rowspan = Number(attr(tc, 'number-rows-spanned') ?? 1);
      if (Number.isInteger(colspan) && colspan > 1) cell.colspan = colspan;
      if (Number.isInteger(rowspan) && rowspan > 1) cell.rowspan = rowspan;
      const repeat = Math.max(1, Number(attr(tc, 'number-columns-repeated') ?? 1) || 1);
      for (let r = 0; r < Math.min(repeat, 1000) && budget > cells.length; r += 1) cells.push({ ...cell });
    }
    while (cells.length > 0 && !cells[cells.length - 1]!.text_value && !cells[cells.length - 1]!.colspan) cells.pop();
    return cells;
  };
  collect(table, false);
  while (rows.length > 0 && rows[rows.length - 1]!.cells.length === 0) rows.pop();
  const explicit = rows.some((r) => r.header);
  if (explicit) {
    return { headers: rows.filter((r) => r.header).map((r) => r.cells), rows: rows.filter((r) => !r.header).map((r) => r.cells) };
  }
  if (rows.length < 2) return { headers: [], rows: rows.map((r) => r.cells) };
  return { headers: [rows[0]!.cells], rows: rows.slice(1).map((r) => r.cells) };
}

/** A cell's paragraphs (and nested lists or tables, flattened), one space apart. */
function cellText(cell: XmlNode): string {
  const parts: string[] = [];
  const walk = (n: XmlNode): void => {
    for (const c of n.children) {
      if (c.name === '#text') continue;
      const local = localName(c.name);
      if (local === 'p' || local === 'h') parts.push(inlineText(c));
      else walk(c);
    }
  };
  walk(cell);
  return parts.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

/** `meta.xml`: title, author (initial creator, else last editor), created_at, modified_at, page_count. */
function readMeta(meta: Uint8Array | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!meta) return metadata;
  const root = descend(parseXml(meta, 'meta.xml'), 'document-meta', 'meta');
  if (!root) return metadata;
  const value = (local: string): string | undefined => {
    const t = textOf(firstChild(root, local)).replace(/\s+/g, ' ').trim();
    return t || undefined;
  };
  const title = value('title');
  if (title) metadata.title = title;
  const author = value('initial-creator') ?? value('creator');
  if (author) metadata.author = author;
  const created = isoDate(value('creation-date'));
  if (created) metadata.created_at = created;
  const modified = isoDate(value('date'));
  if (modified) metadata.modified_at = modified;
  const stats = firstChild(root, 'document-statistic');
  const pages = stats ? Number(attr(stats, 'page-count')) : NaN;
  if (Number.isInteger(pages) && pages > 0) metadata.page_count = pages;
  return metadata;
}
