import { DomUtils, parseDocument } from 'htmlparser2';
import type { CDATA, ChildNode, Element, Text } from 'domhandler';
import type { StructuredDocumentSectionBody, TableBody } from '../documents.js';
import type { TableCell } from '../types.js';
import { decodeText } from './text.js';
import { SectionBuilder, normalizeInline, toIsoDate } from './sections.js';
import { UnreadableFileError, type FileParser, type ParseOptions, type ParsedFile } from './types.js';

/**
 * HTML (and the HTML that the DOCX and EPUB parsers produce): boilerplate is dropped, headings
 * nest sections, tables become section tables (or text), `<title>`/`<meta>` feed the metadata.
 */

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

const DROPPED = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'aside', 'form', 'iframe', 'svg', 'button',
  'head', 'object', 'embed', 'canvas', 'select', 'textarea', 'math', 'audio', 'video', 'map',
  'dialog',
]);
const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search', 'complementary']);
const BLOCK = new Set([
  'p', 'div', 'li', 'dt', 'dd', 'blockquote', 'section', 'article', 'main', 'ul', 'ol', 'dl',
  'figure', 'figcaption', 'address', 'hr', 'details', 'summary', 'body', 'html', 'center',
  'fieldset', 'legend', 'caption', 'header', 'footer', 'hgroup', 'menu', 'tr', 'tbody', 'thead',
  'tfoot',
]);
const LINE_BLOCKS = new Set(['li', 'dt', 'dd']);
const HEADING = /^h([1-6])$/;

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}
function isText(node: ChildNode): node is Text {
  return node.type === 'text';
}
function isCDATA(node: ChildNode): node is CDATA {
  return node.type === 'cdata';
}

function attr(el: Element, name: string): string | undefined {
  const v = el.attribs[name];
  return v === undefined ? undefined : v;
}

function isBoilerplate(el: Element): boolean {
  const name = el.name.toLowerCase();
  if (DROPPED.has(name)) return true;
  const role = attr(el, 'role')?.toLowerCase().trim();
  if (role && DROPPED_ROLES.has(role)) return true;
  if (attr(el, 'hidden') !== undefined || attr(el, 'aria-hidden') === 'true') return true;
  // A page's header/footer is boilerplate; an article's own header (often with its <h1>) is not.
  if (name === 'header' || name === 'footer') {
    for (let p = el.parent; p; p = p.parent) {
      if (p.type === 'tag' || p.type === 'script' || p.type === 'style') {
        const pn = (p as Element).name.toLowerCase();
        if (pn === 'article' || pn === 'main' || pn === 'section') return false;
      }
    }
    return true;
  }
  return false;
}

/** Text of a subtree with boilerplate removed and whitespace normalised (`<br>` → newline). */
function flatText(node: ChildNode): string {
  const parts: string[] = [];
  const walk = (n: ChildNode): void => {
    if (isText(n)) parts.push(n.data.replace(/[\r\n]+/g, ' '));
    else if (isCDATA(n)) n.children.forEach(walk);
    else if (isElement(n)) {
      if (isBoilerplate(n)) return;
      const name = n.name.toLowerCase();
      if (name === 'br') {
        parts.push('\n');
        return;
      }
      if (name === 'img') {
        const alt = attr(n, 'alt');
        if (alt) parts.push(` ${alt} `);
        return;
      }
      const block = BLOCK.has(name) || HEADING.test(name) || name === 'td' || name === 'th' || name === 'pre';
      if (block) parts.push(' ');
      n.children.forEach(walk);
      if (block) parts.push(' ');
    }
  };
  walk(node);
  return normalizeInline(parts.join(''));
}

/** Raw text of a `<pre>`: whitespace kept, leading newline dropped as HTML does. */
function preText(node: Element): string {
  const parts: string[] = [];
  const walk = (n: ChildNode): void => {
    if (isText(n)) parts.push(n.data);
    else if (isElement(n)) {
      if (isBoilerplate(n)) return;
      if (n.name.toLowerCase() === 'br') parts.push('\n');
      else n.children.forEach(walk);
    }
  };
  node.children.forEach(walk);
  return parts.join('').replace(/^\r?\n/, '').replace(/\s+$/, '');
}

function spanAttr(el: Element, name: string): number | undefined {
  const raw = attr(el, name);
  if (raw === undefined) return undefined;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 1 ? Math.min(n, 1000) : undefined;
}

interface ParsedTable {
  caption?: string;
  headers: TableCell[][];
  rows: TableCell[][];
}

/** The rows of a table (not those of tables nested in its cells). */
function readTable(table: Element): ParsedTable {
  const result: ParsedTable = { headers: [], rows: [] };
  const visit = (n: ChildNode, inHead: boolean): void => {
    if (!isElement(n) || isBoilerplate(n)) return;
    const name = n.name.toLowerCase();
    if (name === 'caption') {
      const c = flatText(n);
      if (c && result.caption === undefined) result.caption = c;
    } else if (name === 'thead') {
      n.children.forEach((c) => visit(c, true));
    } else if (name === 'tbody' || name === 'tfoot') {
      n.children.forEach((c) => visit(c, false));
    } else if (name === 'tr') {
      const cells: TableCell[] = [];
      let allTh = true;
      for (const c of n.children) {
        if (!isElement(c)) continue;
        const cn = c.name.toLowerCase();
        if (cn !== 'td' && cn !== 'th') continue;
        if (cn === 'td') allTh = false;
        const cell: TableCell = { text_value: flatText(c).replace(/\n+/g, ' ') };
        const colspan = spanAttr(c, 'colspan');
        const rowspan = spanAttr(c, 'rowspan');
        if (colspan) cell.colspan = colspan;
        if (rowspan) cell.rowspan = rowspan;
        cells.push(cell);
      }
      if (cells.length === 0) return;
      // Header rows: those in <thead>, or leading rows made only of <th> when there is no <thead>.
      if (inHead || (allTh && result.rows.length === 0)) result.headers.push(cells);
      else result.rows.push(cells);
    }
  };
  const hasThead = table.children.some((c) => isElement(c) && c.name.toLowerCase() === 'thead');
  for (const c of table.children) {
    if (hasThead && isElement(c) && c.name.toLowerCase() === 'tr') {
      // With an explicit <thead>, loose <tr>s are body rows even when made of <th>.
      const before = result.rows.length;
      visit(c, false);
      if (result.rows.length === before && result.headers.length > 0) {
        // moved into headers by the all-<th> rule: keep it as a row instead
        const last = result.headers.pop()!;
        result.rows.push(last);
      }
    } else visit(c, false);
  }
  return result;
}

function rowLine(cells: TableCell[]): string {
  return cells
    .map((c) => c.text_value ?? '')
    .filter((t) => t !== '')
    .join(' | ');
}

const META_KEYS: Record<string, string> = {
  author: 'author',
  'article:author': 'author',
  'dc.creator': 'author',
  'dcterms.creator': 'author',
  description: 'description',
  'og:description': 'description',
  'dc.description': 'description',
  keywords: 'keywords',
  'article:published_time': 'created_at',
  date: 'created_at',
  'dc.date': 'created_at',
  'dcterms.created': 'created_at',
  'article:modified_time': 'modified_at',
  'dcterms.modified': 'modified_at',
  'last-modified': 'modified_at',
};

/** Deeper element nesting is refused: the parser's cost grows with the square of the depth. */
const MAX_NESTING = 3000;
const NO_DEPTH = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source',
  'track', 'wbr', 'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'optgroup', 'rb', 'rt', 'rp',
  'thead', 'tbody', 'tfoot', 'colgroup', '!doctype',
]);

/** A cheap estimate of the deepest element nesting (tags the parser closes implicitly ignored). */
function nestingDepth(html: string): number {
  const re = /<(\/?)([A-Za-z!][A-Za-z0-9-]*)[^>]*?(\/?)>/g;
  let depth = 0;
  let max = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[3] || NO_DEPTH.has(m[2]!.toLowerCase())) continue;
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (++depth > max) max = depth;
  }
  return max;
}

/**
 * Parses an HTML string into sections. Malformed markup is read leniently; only pathological
 * nesting is refused (UnreadableFileError).
 */
export function htmlToParsed(html: string, options: ParseOptions): ParsedFile {
  try {
    return readHtml(html, options);
  } catch (err) {
    if (err instanceof RangeError) throw new UnreadableFileError('the HTML is nested too deeply');
    throw err;
  }
}

function readHtml(html: string, options: ParseOptions): ParsedFile {
  if (nestingDepth(html) > MAX_NESTING) throw new UnreadableFileError(`the HTML nests elements more than ${MAX_NESTING} deep`);
  let doc;
  try {
    doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  } catch (err) {
    throw new UnreadableFileError(`unreadable HTML: ${(err as Error).message}`);
  }
  const metadata: Record<string, unknown> = {};
  let title: string | undefined;

  const titleEl = DomUtils.findOne((e) => e.name.toLowerCase() === 'title', doc.children, true);
  if (titleEl) {
    const t = normalizeInline(DomUtils.textContent(titleEl)).replace(/\n/g, ' ');
    if (t) title = t;
  }
  for (const meta of DomUtils.getElementsByTagName('meta', doc.children, true)) {
    const key = (attr(meta, 'name') ?? attr(meta, 'property') ?? attr(meta, 'http-equiv'))?.toLowerCase().trim();
    const content = attr(meta, 'content')?.trim();
    if (!key || !content) continue;
    const target = META_KEYS[key];
    if (!target || metadata[target] !== undefined) continue;
    metadata[target] = target === 'created_at' || target === 'modified_at' ? toIsoDate(content) : normalizeInline(content);
  }

  const builder = new SectionBuilder();
  let firstH1: string | undefined;
  let buf = '';
  let bufGroup: number | undefined;
  const listGroups = new WeakMap<object, number>();

  const flush = (): void => {
    const text = normalizeInline(buf);
    buf = '';
    if (!text) return;
    builder.block(text, bufGroup);
    bufGroup = undefined;
  };

  const walk = (n: ChildNode): void => {
    if (isText(n)) {
      buf += n.data.replace(/[\r\n]+/g, ' ');
      return;
    }
    if (isCDATA(n)) {
      n.children.forEach(walk);
      return;
    }
    if (!isElement(n) || isBoilerplate(n)) return;
    const name = n.name.toLowerCase();
    const h = HEADING.exec(name);
    if (h) {
      flush();
      const text = flatText(n).replace(/\n+/g, ' ');
      if (text) {
        if (h[1] === '1' && firstH1 === undefined) firstH1 = text;
        builder.heading(Number(h[1]), text);
      }
      return;
    }
    switch (name) {
      case 'br':
        buf += '\n';
        return;
      case 'img': {
        const alt = attr(n, 'alt');
        if (alt) buf += ` ${alt} `;
        return;
      }
      case 'pre': {
        flush();
        builder.block(preText(n));
        return;
      }
      case 'table': {
        flush();
        const t = readTable(n);
        if (t.headers.length === 0 && t.rows.length === 0) return;
        if (options.extractTables) {
          const table: TableBody = { data: { headers: t.headers, rows: t.rows } };
          if (t.caption) table.title = t.caption;
          builder.table(table);
        } else {
          if (t.caption) builder.block(t.caption);
          const group = builder.newGroup();
          for (const row of [...t.headers, ...t.rows]) builder.block(rowLine(row), group);
        }
        return;
      }
    }
    const block = BLOCK.has(name);
    if (block) flush();
    if (LINE_BLOCKS.has(name)) {
      // items of one list join with a single newline
      const list = n.parent ?? n;
      let g = listGroups.get(list);
      if (g === undefined) listGroups.set(list, (g = builder.newGroup()));
      bufGroup = g;
    }
    n.children.forEach(walk);
    if (block) flush();
    if (LINE_BLOCKS.has(name)) bufGroup = undefined;
  };

  doc.children.forEach(walk);
  flush();

  if (title === undefined && firstH1 !== undefined) title = firstH1;
  if (title !== undefined) metadata.title = title;
  const sections = builder.finish();
  const parsed: ParsedFile = { metadata, sections };
  if (title !== undefined) parsed.title = title;
  return parsed;
}

/** `<meta charset>` / `http-equiv` charset from the first bytes, for non-UTF-8 pages. */
function sniffCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  return m?.[1]?.toLowerCase();
}

export const parseHtml: FileParser = async (bytes, options) => {
  const html = decodeText(bytes, { fallbackEncoding: sniffCharset(bytes) });
  return htmlToParsed(html, options);
};
