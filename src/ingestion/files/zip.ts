/**
 * Reading ZIP containers (DOCX, PPTX, ODT, EPUB) safely, and the XML parts inside them.
 *
 * ZIP bombs: this is the one place archives are read. The central directory is checked before
 * anything is inflated (entry count; the declared uncompressed sizes of the entries we want, in
 * total), then each wanted entry is inflated in a stream, a bounded chunk of compressed input at a
 * time, and abandoned as soon as its output exceeds the size it declared. A lying archive (a small
 * declared size over gigabytes of zeros) therefore costs no more than an honest one of the size it
 * claims: memory and CPU are both bounded by the declared sizes we accepted.
 */
import { Inflate } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FILE_LIMITS, UnreadableFileError } from './types.js';

/** One central-directory record. */
interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Compressed bytes fed to the inflater at a time: enough to produce what is left of the entry's
 * declared size (DEFLATE expands at most ~1032:1), between 1 KB and 64 KB. A lying entry therefore
 * overshoots its declared size by at most ~1 MB of output before the check below sees it.
 */
const MAX_EXPANSION = 1032;
const MIN_STEP = 1024;
const MAX_STEP = 64 * 1024;

function fail(message: string): never {
  throw new UnreadableFileError(message);
}

/**
 * The entries of a ZIP archive whose names `wanted` accepts, inflated. Refuses (UnreadableFileError)
 * archives with more than `FILE_LIMITS.maxZipEntries` entries, archives whose wanted entries declare
 * more than `FILE_LIMITS.maxUnzippedBytes` uncompressed bytes in total (both checked before anything
 * is inflated), entries that inflate to more (or less) than they declare (checked while inflating,
 * stopping at the first chunk beyond), encrypted or unsupported entries, and corrupt or truncated
 * archives. Entries `wanted` rejects are never inflated, so large media inside a document cost nothing.
 */
export function readZip(bytes: Buffer, wanted: (name: string) => boolean): Map<string, Uint8Array> {
  const entries = readCentralDirectory(bytes).filter((e) => !isDirectory(e.name) && wanted(e.name));
  let declared = 0;
  for (const e of entries) {
    declared += e.size;
    if (declared > FILE_LIMITS.maxUnzippedBytes) {
      fail(`ZIP archive would inflate to more than ${FILE_LIMITS.maxUnzippedBytes} bytes`);
    }
  }
  const files = new Map<string, Uint8Array>();
  const budget = { used: 0 };
  for (const e of entries) files.set(e.name, inflateEntry(bytes, e, budget));
  return files;
}

function isDirectory(name: string): boolean {
  return name.endsWith('/');
}

/** The central directory (ZIP64 included), without inflating anything. */
function readCentralDirectory(buf: Buffer): ZipEntry[] {
  const damaged = (what: string): never => fail(`not a readable ZIP archive (${what})`);
  if (buf.length < 22) damaged('too short');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) damaged('no end of central directory: damaged or truncated');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator just before the classic record points to the ZIP64 end record.
    const locator = eocd - 20;
    if (locator >= 0 && buf.readUInt32LE(locator) === 0x07064b50) {
      const at = toNumber(buf.readBigUInt64LE(locator + 8));
      if (at + 56 > buf.length || buf.readUInt32LE(at) !== 0x06064b50) damaged('bad ZIP64 end record');
      count = toNumber(buf.readBigUInt64LE(at + 32));
      cdSize = toNumber(buf.readBigUInt64LE(at + 40));
      cdOffset = toNumber(buf.readBigUInt64LE(at + 48));
    }
  }
  if (count > FILE_LIMITS.maxZipEntries) fail(`ZIP archive has more than ${FILE_LIMITS.maxZipEntries} entries`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) damaged('bad central directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    const extraStart = p + 46 + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > buf.length) damaged('bad central directory');
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, extraStart);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      // ZIP64 extended information (header 0x0001): the fields saturated above, in this order.
      for (let x = extraStart; x + 4 <= extraStart + extraLen; ) {
        const id = buf.readUInt16LE(x);
        const len = buf.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let f = x + 4;
          const field = (): number => {
            if (f + 8 > x + 4 + len) damaged('bad ZIP64 extra field');
            const v = toNumber(buf.readBigUInt64LE(f));
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = field();
          if (compressedSize === 0xffffffff) compressedSize = field();
          if (localOffset === 0xffffffff) localOffset = field();
          break;
        }
        x += 4 + len;
      }
    }
    entries.push({ name, flags, method, compressedSize, size, localOffset });
    p = next;
  }
  return entries;
}

function toNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/**
 * Inflates one entry into a buffer of its declared size, stopping at the first chunk of output that
 * goes beyond it (or beyond `FILE_LIMITS.maxUnzippedBytes` for the archive, counted in `budget`).
 */
function inflateEntry(buf: Buffer, e: ZipEntry, budget: { used: number }): Uint8Array {
  if (e.flags & 1) fail(`ZIP archive entry ${e.name} is encrypted`);
  const at = e.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) {
    fail(`not a readable ZIP archive (${e.name}: bad local header, damaged or truncated)`);
  }
  const dataStart = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (dataStart + e.compressedSize > buf.length) fail(`not a readable ZIP archive (${e.name} is truncated)`);
  const data = buf.subarray(dataStart, dataStart + e.compressedSize);
  const beyond = (): never => fail(`ZIP archive entry ${e.name} inflates beyond its declared size (a ZIP bomb?)`);
  const count = (n: number): void => {
    budget.used += n;
    if (budget.used > FILE_LIMITS.maxUnzippedBytes) {
      fail(`ZIP archive would inflate to more than ${FILE_LIMITS.maxUnzippedBytes} bytes`);
    }
  };

  if (e.method === 0) {
    if (data.length > e.size) beyond();
    if (data.length < e.size) fail(`not a readable ZIP archive (${e.name} is truncated)`);
    count(data.length);
    return new Uint8Array(data);
  }
  if (e.method !== 8) fail(`ZIP archive entry ${e.name} uses an unsupported compression method (${e.method})`);

  const out = new Uint8Array(e.size);
  let total = 0;
  let done = false;
  // Throwing from the callback abandons the inflater mid-stream: nothing more is inflated.
  const inflater = new Inflate((chunk, final) => {
    if (total + chunk.length > e.size) beyond();
    count(chunk.length);
    out.set(chunk, total);
    total += chunk.length;
    if (final) done = true;
  });
  try {
    if (data.length === 0) inflater.push(data, true);
    for (let i = 0; i < data.length; ) {
      const step = Math.min(MAX_STEP, Math.max(MIN_STEP, Math.floor((e.size - total) / MAX_EXPANSION)));
      const end = Math.min(i + step, data.length);
      inflater.push(data.subarray(i, end), end === data.length);
      i = end;
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    fail(`not a readable ZIP archive (${e.name}: ${message})`);
  }
  if (!done || total !== e.size) fail(`not a readable ZIP archive (${e.name} is damaged or truncated)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML parts

/** An XML element (or, with name '#text', a text node) in document order. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** For text nodes: the text, entities decoded. */
  text?: string;
}

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

/** Decodes an XML part's bytes (UTF-8, or UTF-16 with a byte-order mark). */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * Parses one XML part of a container into a tree; the returned node is a synthetic root whose
 * children are the document's top-level nodes. Malformed XML, and XML declaring entities (which
 * no OOXML, ODF or EPUB package part needs: a billion-laughs vector), are UnreadableFileError.
 */
export function parseXml(bytes: Uint8Array, partName: string): XmlNode {
  const xml = decodeXmlBytes(bytes);
  if (/<!ENTITY/i.test(xml)) throw new UnreadableFileError(`${partName}: XML entity declarations are not accepted`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new UnreadableFileError(`${partName}: malformed XML (${valid.err.msg})`);
  let parsed: unknown;
  try {
    parsed = xmlParser.parse(xml);
  } catch (error) {
    throw new UnreadableFileError(`${partName}: malformed XML (${error instanceof Error ? error.message : String(error)})`);
  }
  return { name: '#document', attrs: {}, children: convert(parsed) };
}

function convert(list: unknown): XmlNode[] {
  if (!Array.isArray(list)) return [];
  const out: XmlNode[] = [];
  for (const item of list) {
    if (item === null || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const attrsRaw = record[':@'];
    const attrs: Record<string, string> = {};
    if (attrsRaw && typeof attrsRaw === 'object') {
      for (const [k, v] of Object.entries(attrsRaw as Record<string, unknown>)) attrs[k] = String(v);
    }
    for (const [key, value] of Object.entries(record)) {
      if (key === ':@') continue;
      if (key === '#text') {
        out.push({ name: '#text', attrs: {}, children: [], text: String(value) });
      } else {
        out.push({ name: key, attrs, children: convert(value) });
      }
    }
  }
  return out;
}

/** The local part of a qualified name: `a:t` → `t`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Child elements with the given local name (prefixes vary between producers). */
export function childrenNamed(node: XmlNode, local: string): XmlNode[] {
  return node.children.filter((c) => c.name !== '#text' && localName(c.name) === local);
}

export function firstChild(node: XmlNode | undefined, local: string): XmlNode | undefined {
  return node ? node.children.find((c) => c.name !== '#text' && localName(c.name) === local) : undefined;
}

/** Follows a path of local names through first children. */
export function descend(node: XmlNode | undefined, ...locals: string[]): XmlNode | undefined {
  let current = node;
  for (const local of locals) current = firstChild(current, local);
  return current;
}

/** Every descendant element with the given local name, in document order (not below a match). */
export function findAll(node: XmlNode, local: string, out: XmlNode[] = []): XmlNode[] {
  for (const child of node.children) {
    if (child.name === '#text') continue;
    if (localName(child.name) === local) out.push(child);
    else findAll(child, local, out);
  }
  return out;
}

/** All text below a node, concatenated. */
export function textOf(node: XmlNode | undefined): string {
  if (!node) return '';
  if (node.name === '#text') return node.text ?? '';
  return node.children.map(textOf).join('');
}

/** An attribute by local name (`r:id` and `id` both match `id`). */
export function attr(node: XmlNode, local: string): string | undefined {
  if (node.attrs[local] !== undefined) return node.attrs[local];
  for (const [k, v] of Object.entries(node.attrs)) if (localName(k) === local) return v;
  return undefined;
}

/** A metadata date (W3CDTF / ISO-8601 as in core.xml, meta.xml, OPF) as ISO-8601, or undefined. */
export function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  // A date-time without a zone (common in ODF) is read as UTC, not as the server's local time.
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Collapses runs of whitespace inside a line and trims; keeps the text's line structure. */
export function tidyText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Counts extracted characters and refuses beyond FILE_LIMITS.maxTextChars. */
export class TextBudget {
  private used = 0;
  add(text: string | undefined): void {
    if (!text) return;
    this.used += text.length;
    if (this.used > FILE_LIMITS.maxTextChars) {
      throw new UnreadableFileError(`file has more than ${FILE_LIMITS.maxTextChars} characters of text`);
    }
  }
}
