import { fileTypeFromBuffer } from 'file-type';
import type { StructuredDocumentSectionBody } from '../documents.js';
import { FILE_LIMITS, UnreadableFileError, type FileParser, type ParsedFile, type ParseOptions } from './types.js';

/**
 * The formats `upload_file` reads, how a file is recognised, and which parser reads it. Binary
 * formats are recognised by their content (magic bytes, ZIP contents); a name or type that
 * disagrees with the content is refused rather than guessed around. Text formats carry no
 * signature, so their extension (or declared media type) decides.
 */
export type FileFormat = 'text' | 'markdown' | 'html' | 'csv' | 'rtf' | 'pdf' | 'docx' | 'pptx' | 'odt' | 'epub';

export const FORMAT_NAMES: Record<FileFormat, string> = {
  text: 'plain text', markdown: 'Markdown', html: 'HTML', csv: 'CSV', rtf: 'RTF', pdf: 'PDF',
  docx: 'Word (DOCX)', pptx: 'PowerPoint (PPTX)', odt: 'OpenDocument text (ODT)', epub: 'EPUB',
};

const EXTENSIONS: Record<string, FileFormat> = {
  txt: 'text', text: 'text', log: 'text', md: 'markdown', markdown: 'markdown', html: 'html', htm: 'html',
  xhtml: 'html', csv: 'csv', tsv: 'csv', rtf: 'rtf', pdf: 'pdf', docx: 'docx', pptx: 'pptx', odt: 'odt', epub: 'epub',
};

const MEDIA_TYPES: Record<string, FileFormat> = {
  'text/plain': 'text', 'text/markdown': 'markdown', 'text/x-markdown': 'markdown', 'text/html': 'html',
  'application/xhtml+xml': 'html', 'text/csv': 'csv', 'text/tab-separated-values': 'csv', 'application/rtf': 'rtf',
  'text/rtf': 'rtf', 'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt', 'application/epub+zip': 'epub',
};

/** What file-type's content sniffing reports, for the formats read here. */
const SNIFFED: Record<string, FileFormat> = { pdf: 'pdf', docx: 'docx', pptx: 'pptx', odt: 'odt', epub: 'epub', rtf: 'rtf' };
const BINARY: ReadonlySet<FileFormat> = new Set(['pdf', 'docx', 'pptx', 'odt', 'epub']);
const ZIP_BASED: ReadonlySet<FileFormat> = new Set(['docx', 'pptx', 'odt', 'epub']);

const PARSERS: Record<FileFormat, () => Promise<FileParser>> = {
  text: async () => (await import('./text.js')).parseText,
  markdown: async () => (await import('./markdown.js')).parseMarkdown,
  html: async () => (await import('./html.js')).parseHtml,
  csv: async () => (await import('./csv.js')).parseCsv,
  rtf: async () => (await import('./rtf.js')).parseRtf,
  pdf: async () => (await import('./pdf.js')).parsePdf,
  docx: async () => (await import('./docx.js')).parseDocx,
  pptx: async () => (await import('./pptx.js')).parsePptx,
  odt: async () => (await import('./odt.js')).parseOdt,
  epub: async () => (await import('./epub.js')).parseEpub,
};

export type Detection = { ok: true; format: FileFormat } | { ok: false; reason: string };

const extensionOf = (name: string): string => (name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '');

export async function detectFormat(bytes: Buffer, filename: string, mediaType: string | undefined): Promise<Detection> {
  const ext = extensionOf(filename);
  const declared = EXTENSIONS[ext] ?? (mediaType ? MEDIA_TYPES[mediaType.split(';')[0]!.trim().toLowerCase()] : undefined);
  const sniffed = await fileTypeFromBuffer(bytes);
  // A ZIP that sniffing cannot place (a truncated archive whose [Content_Types].xml is gone, or
  // one that declares its parts sparsely) is read as what its name says; that parser gives a
  // precise 400 when the archive is damaged.
  if (sniffed?.ext === 'zip' && declared && ZIP_BASED.has(declared)) return { ok: true, format: declared };
  if (sniffed) {
    const format = SNIFFED[sniffed.ext];
    if (!format) return { ok: false, reason: `files of type ${sniffed.mime} cannot be read; supported: ${Object.values(FORMAT_NAMES).join(', ')}` };
    if (declared && declared !== format && !(declared === 'text' && format === 'rtf')) {
      return { ok: false, reason: `the file is named as ${FORMAT_NAMES[declared]} but its content is ${FORMAT_NAMES[format]}` };
    }
    return { ok: true, format };
  }
  if (declared && BINARY.has(declared)) {
    return { ok: false, reason: `the file is named as ${FORMAT_NAMES[declared]} but its content is not a ${FORMAT_NAMES[declared]} file` };
  }
  if (declared) return { ok: true, format: declared };
  return { ok: false, reason: `cannot tell what kind of file '${filename}' is: give it an extension such as .txt, .md, .html, .csv, .pdf or .docx` };
}

/** Characters of text in the parsed sections (titles, text and table cells), nested ones included. */
function textSize(sections: readonly StructuredDocumentSectionBody[]): number {
  let n = 0;
  for (const s of sections) {
    n += (s.title?.length ?? 0) + (s.text?.length ?? 0);
    for (const t of s.tables ?? []) n += JSON.stringify(t.data ?? {}).length;
    n += textSize(s.sections ?? []);
  }
  return n;
}

export interface ParseFileOptions extends ParseOptions {
  /**
   * The caller will not read `bytes` again: a parser that reads in a thread of its own (PDF) may
   * move their memory there, leaving `bytes` empty, instead of copying the file.
   */
  transferBytes?: boolean;
}

/**
 * Parses with the format's parser, then applies the limits every format shares: a file whose
 * text exceeds FILE_LIMITS.maxTextChars (a small file that expands enormously) is unreadable.
 */
export async function parseFile(format: FileFormat, bytes: Buffer, options: ParseFileOptions): Promise<ParsedFile> {
  const parser = await PARSERS[format]();
  const parsed = await parser(bytes, options);
  const size = textSize(parsed.sections);
  if (size > FILE_LIMITS.maxTextChars) {
    throw new UnreadableFileError(`it holds ${size} characters of text, more than the ${FILE_LIMITS.maxTextChars} one document may have`);
  }
  return parsed;
}
