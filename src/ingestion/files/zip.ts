/**
 * Reading ZIP containers (DOCX, PPTX, ODT, EPUB) safely, and the XML parts inside them.
 *
 * ZIP bombs: an entry's inflated size is bounded by the uncompressed size its central-directory
 * record declares (fflate inflates into a buffer of exactly that size and drops anything beyond),
 * so checking the declared sizes of the entries we want *before* inflating any of them bounds the
 * memory a hostile file can make us use.
 */
import { unzipSync } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FILE_LIMITS, UnreadableFileError } from './types.js';

/**
 * The entries of a ZIP archive whose names `wanted` accepts, inflated. Refuses (UnreadableFileError)
 * archives with more than `FILE_LIMITS.maxZipEntries` entries, archives whose wanted entries declare
 * more than `FILE_LIMITS.maxUnzippedBytes` uncompressed bytes in total (both checked before anything
 * is inflated), and corrupt or truncated archives. Entries `wanted` rejects are never inflated, so
 * large media inside a document cost nothing.
 */
export function readZip(bytes: Buffer, wanted: (name: string) => boolean): Map<string, Uint8Array> {
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Pass 1: the central directory only. Count entries and sum the declared sizes of wanted ones.
  let entries = 0;
  let declared = 0;
  try {
    unzipSync(data, {
      filter: (file) => {
        entries += 1;
        if (entries > FILE_LIMITS.maxZipEntries) {
          throw new UnreadableFileError(`ZIP archive has more than ${FILE_LIMITS.maxZipEntries} entries`);
        }
        if (!isDirectory(file.name) && wanted(file.name)) {
          declared += file.originalSize;
          if (declared > FILE_LIMITS.maxUnzippedBytes) {
            throw new UnreadableFileError(
              `ZIP archive would inflate to more than ${FILE_LIMITS.maxUnzippedBytes} bytes`,
            );
          }
        }
        return false;
      },
    });
  } catch (error) {
    throw asUnreadable(error);
  }
  // Pass 2: inflate the wanted entries, into buffers of their declared sizes.
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, { filter: (file) => !isDirectory(file.name) && wanted(file.name) });
  } catch (error) {
    throw asUnreadable(error);
  }
  return new Map(Object.entries(files));
}

function isDirectory(name: string): boolean {
  return name.endsWith('/');
}

function asUnreadable(error: unknown): UnreadableFileError {
  if (error instanceof UnreadableFileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnreadableFileError(`not a readable ZIP archive (${message})`);
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
