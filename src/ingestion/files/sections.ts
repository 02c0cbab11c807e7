import type { StructuredDocumentSectionBody, TableBody } from '../documents.js';

// ---------------------------------------------------------------------------------------------
// Section building, shared by the parsers whose formats have headings (HTML, Markdown, RTF, ...)
// ---------------------------------------------------------------------------------------------

interface OpenSection {
  level: number;
  section: StructuredDocumentSectionBody;
  blocks: { text: string; group: number | undefined }[];
}

/**
 * Collects headings, text blocks and tables in reading order into nested sections: a heading of
 * level N closes every open section of level >= N. Text before the first heading goes into an
 * untitled leading section. Empty sections (no text, no tables, no non-empty subsections) are
 * left out.
 */
export class SectionBuilder {
  private readonly roots: StructuredDocumentSectionBody[] = [];
  private readonly stack: OpenSection[] = [];
  private preamble: OpenSection | undefined;
  private groups = 0;

  /** A new line group: consecutive blocks of one group (list items, table rows) join with "\n". */
  newGroup(): number {
    return ++this.groups;
  }

  heading(level: number, title: string): void {
    const text = normalizeInline(title);
    if (!text) return;
    this.closeTo(level);
    const section: StructuredDocumentSectionBody = { title: text };
    const parent = this.stack[this.stack.length - 1];
    if (parent) (parent.section.sections ??= []).push(section);
    else this.roots.push(section);
    this.stack.push({ level, section, blocks: [] });
  }

  /** A block of text; blocks join with a blank line, or "\n" within one line group. */
  block(text: string, group?: number): void {
    // leading blank lines and trailing whitespace go; leading indentation (code) stays
    const t = text.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
    if (t.trim()) this.current().blocks.push({ text: t, group });
  }

  table(table: TableBody): void {
    (this.current().section.tables ??= []).push(table);
  }

  /** Sets a metadata entry on the current section (e.g. `page`). */
  sectionMetadata(key: string, value: unknown): void {
    const s = this.current().section;
    (s.metadata ??= {})[key] = value;
  }

  finish(): StructuredDocumentSectionBody[] {
    this.closeTo(0);
    if (this.preamble) this.flush(this.preamble);
    return prune(this.roots);
  }

  private current(): OpenSection {
    const top = this.stack[this.stack.length - 1];
    if (top) return top;
    if (!this.preamble) {
      this.preamble = { level: 0, section: {}, blocks: [] };
      this.roots.push(this.preamble.section);
    }
    return this.preamble;
  }

  private closeTo(level: number): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level >= level) {
      this.flush(this.stack.pop()!);
    }
  }

  private flush(open: OpenSection): void {
    let text = '';
    let first = true;
    let prev: number | undefined;
    for (const b of open.blocks) {
      if (!first) text += prev !== undefined && prev === b.group ? '\n' : '\n\n';
      text += b.text;
      prev = b.group;
      first = false;
    }
    if (text) open.section.text = text;
    open.blocks = [];
  }
}

function prune(sections: StructuredDocumentSectionBody[]): StructuredDocumentSectionBody[] {
  const out: StructuredDocumentSectionBody[] = [];
  for (const s of sections) {
    if (s.sections) {
      const kept = prune(s.sections);
      if (kept.length > 0) s.sections = kept;
      else delete s.sections;
    }
    if (s.text || (s.tables && s.tables.length > 0) || s.sections) out.push(s);
  }
  return out;
}

/** Collapses whitespace (including NBSP) to single spaces, keeping explicit line breaks. */
export function normalizeInline(s: string): string {
  return s
    .replace(/[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** ISO-8601 when the value parses as a date, else the value as given. */
export function toIsoDate(value: string): string {
  const v = value.trim();
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}
