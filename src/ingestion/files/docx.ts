import { zipSync, type Zippable } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import mammoth from 'mammoth';
import { htmlToParsed } from './html.js';
import { normalizeInline, toIsoDate } from './sections.js';
import { UnreadableFileError, type FileParser, type ParsedFile } from './types.js';
import { readZip } from './zip.js';

/**
 * DOCX: mammoth turns the document into HTML (Word's heading styles → h1..h6, tables, lists),
 * which `htmlToParsed` reads; `docProps/core.xml` gives title, author, dates.
 *
 * ZIP bombs: the archive is read here by `readZip` (./zip.ts), not by mammoth: only the XML parts
 * are inflated (media never is), under its checks of declared and actual sizes. mammoth then gets
 * a small stored (uncompressed) ZIP of those parts only.
 */

/** The parts mammoth reads (XML and relationships); media and embedded objects are left out. */
const isXmlPart = (name: string): boolean => !name.endsWith('/') && /\.(xml|rels)$/i.test(name);

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true });

function coreProperties(bytes: Uint8Array | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!bytes) return metadata;
  let root: Record<string, unknown> | undefined;
  try {
    const doc = xml.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
    root = doc.coreProperties as Record<string, unknown> | undefined;
  } catch {
    return metadata; // damaged properties do not make the document unreadable
  }
  if (!root || typeof root !== 'object') return metadata;
  const str = (key: string): string | undefined => {
    const v = root[key];
    const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v && typeof v === 'object' && '#text' in v ? String((v as Record<string, unknown>)['#text']) : undefined;
    const t = s === undefined ? undefined : normalizeInline(s).replace(/\n+/g, ' ');
    return t ? t : undefined;
  };
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) metadata[key] = value;
  };
  put('title', str('title'));
  put('author', str('creator'));
  put('subject', str('subject'));
  put('description', str('description'));
  put('keywords', str('keywords'));
  put('last_modified_by', str('lastModifiedBy'));
  const created = str('created');
  if (created) metadata.created_at = toIsoDate(created);
  const modified = str('modified');
  if (modified) metadata.modified_at = toIsoDate(modified);
  return metadata;
}

export const parseDocx: FileParser = async (bytes, options) => {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0xe011cfd0) {
    throw new UnreadableFileError('the file is an encrypted or legacy (.doc) Word file, not DOCX');
  }
  const parts = readZip(bytes, isXmlPart);
  if (!parts.has('[Content_Types].xml')) throw new UnreadableFileError('not a DOCX file (no [Content_Types].xml)');

  const files: Zippable = {};
  for (const [name, data] of parts) files[name] = [data, { level: 0 }];

  let html: string;
  try {
    const safeZip = Buffer.from(zipSync(files, { level: 0 }));
    const result = await mammoth.convertToHtml(
      { buffer: safeZip },
      {
        // images are not read (their bytes are not even inflated)
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        ignoreEmptyParagraphs: true,
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(`unreadable DOCX: ${(err as Error).message}`);
  }

  const metadata = coreProperties(parts.get('docProps/core.xml'));
  const parsed = htmlToParsed(html, options);
  const title = (metadata.title as string | undefined) ?? parsed.title;
  const out: ParsedFile = { metadata: { ...parsed.metadata, ...metadata }, sections: parsed.sections };
  if (title !== undefined) {
    out.title = title;
    out.metadata.title = title;
  }
  return out;
};
