import { Inflate, zipSync, type Zippable } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import mammoth from 'mammoth';
import { htmlToParsed, normalizeInline, toIsoDate } from './html.js';
import { FILE_LIMITS, UnreadableFileError, type FileParser, type ParsedFile } from './types.js';

/**
 * DOCX: mammoth turns the document into HTML (Word's heading styles → h1..h6, tables, lists),
 * which `htmlToParsed` reads; `docProps/core.xml` gives title, author, dates.
 *
 * ZIP bombs: the archive is read here, not by mammoth. The central directory is checked first
 * (entry count, declared uncompressed sizes of the XML parts, which are all that is inflated;
 * media is never inflated), then each part is inflated in a stream that stops as soon as it
 * produces more than its declared size, so an archive lying about its sizes costs no more than
 * an honest one. mammoth then gets a small stored (uncompressed) ZIP of those parts only.
 */

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

function fail(message: string): never {
  throw new UnreadableFileError(message);
}

/** The central directory of a ZIP archive (no ZIP64, no encryption: neither occurs in DOCX). */
export function readCentralDirectory(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) fail('not a DOCX file (too short to be a ZIP archive)');
  if (buf.readUInt32LE(0) === 0xe011cfd0) fail('the file is an encrypted or legacy (.doc) Word file, not DOCX');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('not a DOCX file (no ZIP directory: the file is damaged or truncated)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) fail('ZIP64 archives are not supported for DOCX');
  if (count > FILE_LIMITS.maxZipEntries) fail(`the DOCX archive has more than ${FILE_LIMITS.maxZipEntries} entries`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) fail('the DOCX archive is damaged (bad ZIP directory)');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLen > buf.length) fail('the DOCX archive is damaged (bad ZIP directory)');
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) fail('the DOCX file is encrypted');
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) {
      fail('the DOCX archive is damaged or truncated');
    }
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buf.length) fail('the DOCX archive is truncated');
    entries.push({ name, method, compressedSize, size, dataStart });
  }
  return entries;
}

/** Inflates one entry, refusing output beyond its declared size. */
function inflateEntry(buf: Buffer, e: ZipEntry): Uint8Array {
  const data = buf.subarray(e.dataStart, e.dataStart + e.compressedSize);
  if (e.method === 0) {
    if (data.length !== e.size) fail(`the DOCX archive is damaged (${e.name})`);
    return data;
  }
  if (e.method !== 8) fail(`the DOCX archive uses an unsupported compression method (${e.name})`);
  const out = new Uint8Array(e.size);
  let total = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    if (over) return;
    if (total + chunk.length > e.size) {
      over = true;
      return;
    }
    out.set(chunk, total);
    total += chunk.length;
  });
  const step = 16 * 1024;
  try {
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
    for (let i = 0; i < data.length && !over; i += step) {
      const end = Math.min(i + step, data.length);
      inflater.push(data.subarray(i, end), end === data.length);
    }
  } catch (err) {
    fail(`the DOCX archive is damaged (${e.name}: ${(err as Error).message})`);
  }
  if (over) fail(`the DOCX archive is a ZIP bomb (${e.name} inflates beyond its declared size)`);
  if (total !== e.size) fail(`the DOCX archive is damaged or truncated (${e.name})`);
  return out;
}

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
  const entries = readCentralDirectory(bytes);
  const parts = entries.filter((e) => isXmlPart(e.name));
  let declared = 0;
  for (const e of parts) declared += e.size;
  if (declared > FILE_LIMITS.maxUnzippedBytes) {
    fail(`the DOCX file would inflate to more than ${FILE_LIMITS.maxUnzippedBytes} bytes (a ZIP bomb?)`);
  }
  if (!parts.some((e) => e.name === '[Content_Types].xml')) fail('not a DOCX file (no [Content_Types].xml)');

  const files: Zippable = {};
  for (const e of parts) files[e.name] = [inflateEntry(bytes, e), { level: 0 }];

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
    fail(`unreadable DOCX: ${(err as Error).message}`);
  }

  const core = files['docProps/core.xml'];
  const metadata = coreProperties(Array.isArray(core) ? (core[0] as Uint8Array) : undefined);
  const parsed = htmlToParsed(html, options);
  const title = (metadata.title as string | undefined) ?? parsed.title;
  const out: ParsedFile = { metadata: { ...parsed.metadata, ...metadata }, sections: parsed.sections };
  if (title !== undefined) {
    out.title = title;
    out.metadata.title = title;
  }
  return out;
};
