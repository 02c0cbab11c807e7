/**
 * PowerPoint (PPTX): one section per slide, in presentation order (`ppt/presentation.xml`'s slide
 * list; slide file number order when that is missing), with `metadata.slide` (1-based position).
 * The title placeholder (`title`/`ctrTitle`) is the section title; every other text run is text, a
 * line per paragraph and a blank line between shapes. Tables (`a:tbl`) become section tables (first
 * row as headers) with `extractTables`, else text rows. Speaker notes, charts, SmartArt and the
 * text of slide masters/layouts are not read. Title, author and dates come from `docProps/core.xml`.
 */
import type { StructuredDocumentSectionBody, TableBody } from '../documents.js';
import type { TableCell } from '../types.js';
import type { FileParser, ParsedFile } from './types.js';
import { UnreadableFileError } from './types.js';
import type { XmlNode } from './zip.js';
import { attr, childrenNamed, descend, findAll, firstChild, isoDate, localName, parseXml, readZip, TextBudget, textOf, tidyText } from './zip.js';

const SLIDE = /^ppt\/slides\/slide(\d+)\.xml$/;
const WANTED = new Set(['ppt/presentation.xml', 'ppt/_rels/presentation.xml.rels', 'docProps/core.xml']);

export const parsePptx: FileParser = async (bytes, options) => {
  const files = readZip(bytes, (name) => SLIDE.test(name) || WANTED.has(name));
  const slideNames = slideOrder(files);
  if (slideNames.length === 0 && !files.has('ppt/presentation.xml')) {
    throw new UnreadableFileError('not a PowerPoint file (no ppt/presentation.xml and no slides)');
  }

  const metadata = coreProperties(files.get('docProps/core.xml'));
  metadata.slide_count = slideNames.length;

  const budget = new TextBudget();
  const sections: StructuredDocumentSectionBody[] = [];
  let firstSlideTitle: string | undefined;
  slideNames.forEach((name, index) => {
    const slide = readSlide(parseXml(files.get(name)!, name), options.extractTables);
    budget.add(slide.title);
    budget.add(slide.text);
    for (const t of slide.tables) budget.add(JSON.stringify(t));
    if (slide.title && firstSlideTitle === undefined) firstSlideTitle = slide.title;
    if (!slide.text && slide.tables.length === 0 && !slide.title) return;
    const section: StructuredDocumentSectionBody = { metadata: { slide: index + 1 } };
    if (slide.title) section.title = slide.title;
    if (slide.text) section.text = slide.text;
    if (slide.tables.length > 0) section.tables = slide.tables;
    sections.push(section);
  });

  const title = (metadata.title as string | undefined) ?? firstSlideTitle;
  const parsed: ParsedFile = { metadata, sections };
  if (title) parsed.title = title;
  return parsed;
};

/** Slide part names in presentation order. */
function slideOrder(files: Map<string, Uint8Array>): string[] {
  const present = [...files.keys()].filter((n) => SLIDE.test(n));
  const byNumber = present.sort((a, b) => Number(SLIDE.exec(a)![1]) - Number(SLIDE.exec(b)![1]));
  const pres = files.get('ppt/presentation.xml');
  const rels = files.get('ppt/_rels/presentation.xml.rels');
  if (!pres || !rels) return byNumber;
  const targets = new Map<string, string>();
  for (const rel of findAll(parseXml(rels, 'ppt/_rels/presentation.xml.rels'), 'Relationship')) {
    const id = attr(rel, 'Id');
    const target = attr(rel, 'Target');
    if (id && target) targets.set(id, resolveTarget(target));
  }
  const ordered: string[] = [];
  const list = descend(parseXml(pres, 'ppt/presentation.xml'), 'presentation', 'sldIdLst');
  for (const sldId of list ? childrenNamed(list, 'sldId') : []) {
    // `r:id` (the relationship), not the plain `id` (the slide's numeric id).
    const rid = Object.entries(sldId.attrs).find(([k]) => k.includes(':') && localName(k) === 'id')?.[1];
    const target = targets.get(rid ?? '');
    if (target && files.has(target) && !ordered.includes(target)) ordered.push(target);
  }
  return ordered.length > 0 ? ordered : byNumber;
}

/** A relationship target of presentation.xml (relative to `ppt/`, or absolute) as a part name. */
function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['ppt'];
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

interface Slide {
  title?: string;
  text: string;
  tables: TableBody[];
}

function readSlide(doc: XmlNode, extractTables: boolean): Slide {
  const tree = descend(doc, 'sld', 'cSld', 'spTree');
  const titles: string[] = [];
  const blocks: string[] = [];
  const tables: TableBody[] = [];
  const visit = (node: XmlNode): void => {
    for (const child of node.children) {
      if (child.name === '#text') continue;
      switch (localName(child.name)) {
        case 'sp': {
          const ph = descend(child, 'nvSpPr', 'nvPr', 'ph');
          const type = ph ? attr(ph, 'type') : undefined;
          const body = firstChild(child, 'txBody');
          const text = body ? paragraphs(body) : '';
          if (!text) break;
          if (type === 'title' || type === 'ctrTitle') titles.push(text.replace(/\s*\n\s*/g, ' '));
          else blocks.push(text);
          break;
        }
        case 'graphicFrame': {
          for (const tbl of findAll(child, 'tbl')) {
            const rows = tableRows(tbl);
            if (rows.length === 0) continue;
            if (extractTables) {
              tables.push(rows.length > 1 ? { data: { headers: [rows[0]!], rows: rows.slice(1) } } : { data: { rows } });
            } else {
              blocks.push(rows.map((r) => r.map((c) => c.text_value ?? '').filter(Boolean).join(' | ')).join('\n'));
            }
          }
          break;
        }
        case 'AlternateContent': {
          const choice = firstChild(child, 'Choice') ?? firstChild(child, 'Fallback');
          if (choice) visit(choice);
          break;
        }
        case 'grpSp':
          visit(child);
          break;
        default:
          break;
      }
    }
  };
  if (tree) visit(tree);
  const slide: Slide = { text: tidyText(blocks.join('\n\n')), tables };
  const title = titles.join(' ').trim();
  if (title) slide.title = title;
  return slide;
}

/** A text body's paragraphs, one line each (`a:br` breaks a line, `a:tab` is a tab). */
function paragraphs(body: XmlNode): string {
  const lines: string[] = [];
  for (const p of childrenNamed(body, 'p')) {
    let line = '';
    const inline = (node: XmlNode): void => {
      for (const c of node.children) {
        if (c.name === '#text') continue;
        const local = localName(c.name);
        if (local === 't') line += textOf(c);
        else if (local === 'br') line += '\n';
        else if (local === 'tab') line += '\t';
        else if (local === 'r' || local === 'fld') inline(c);
      }
    };
    inline(p);
    const tidy = tidyText(line);
    if (tidy) lines.push(tidy);
  }
  return lines.join('\n');
}

/** An `a:tbl`'s rows; merged-over cells (`hMerge`/`vMerge`) are left out, spans kept. */
function tableRows(tbl: XmlNode): TableCell[][] {
  const rows: TableCell[][] = [];
  for (const tr of childrenNamed(tbl, 'tr')) {
    const row: TableCell[] = [];
    for (const tc of childrenNamed(tr, 'tc')) {
      if (attr(tc, 'hMerge') === '1' || attr(tc, 'vMerge') === '1') continue;
      const body = firstChild(tc, 'txBody');
      const cell: TableCell = { text_value: body ? paragraphs(body).replace(/\n/g, ' ') : '' };
      const colspan = Number(attr(tc, 'gridSpan') ?? 1);
      const rowspan = Number(attr(tc, 'rowSpan') ?? 1);
      if (Number.isInteger(colspan) && colspan > 1) cell.colspan = colspan;
      if (Number.isInteger(rowspan) && rowspan > 1) cell.rowspan = rowspan;
      row.push(cell);
    }
    if (row.some((c) => c.text_value)) rows.push(row);
  }
  return rows;
}

/** `docProps/core.xml` (shared by the OOXML formats): title, author, created_at, modified_at. */
export function coreProperties(core: Uint8Array | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!core) return metadata;
  const root = firstChild(parseXml(core, 'docProps/core.xml'), 'coreProperties');
  if (!root) return metadata;
  const value = (local: string): string | undefined => {
    const t = textOf(firstChild(root, local)).replace(/\s+/g, ' ').trim();
    return t || undefined;
  };
  const title = value('title');
  if (title) metadata.title = title;
  const author = value('creator');
  if (author) metadata.author = author;
  const created = isoDate(value('created'));
  if (created) metadata.created_at = created;
  const modified = isoDate(value('modified'));
  if (modified) metadata.modified_at = modified;
  return metadata;
}
