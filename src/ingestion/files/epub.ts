/**
 * EPUB (2 and 3): `META-INF/container.xml` names the package document (OPF); its spine gives the
 * reading order of the (X)HTML content documents, each read by the HTML parser, their sections
 * appended in spine order. Title, author(s), date and modification date come from the OPF
 * metadata. Non-HTML spine items (images, DTBook) are skipped; the EPUB 3 navigation document is
 * read only when the spine lists it.
 */
import type { StructuredDocumentSectionBody } from '../documents.js';
import { htmlToParsed } from './html.js';
import type { FileParser, ParsedFile } from './types.js';
import { UnreadableFileError } from './types.js';
import type { XmlNode } from './zip.js';
import { attr, childrenNamed, decodeXmlBytes, descend, findAll, firstChild, isoDate, parseXml, readZip, TextBudget, textOf } from './zip.js';

const CONTAINER = 'META-INF/container.xml';
const HTML_TYPES = new Set(['application/xhtml+xml', 'text/html', 'application/html']);

export const parseEpub: FileParser = async (bytes, options) => {
  const container = readZip(bytes, (name) => name === CONTAINER).get(CONTAINER);
  if (!container) throw new UnreadableFileError('not an EPUB file (no META-INF/container.xml)');
  const rootfile = findAll(parseXml(container, CONTAINER), 'rootfile').find(
    (r) => (attr(r, 'media-type') ?? 'application/oebps-package+xml') === 'application/oebps-package+xml' && attr(r, 'full-path'),
  );
  const opfPath = rootfile ? normalizePath(attr(rootfile, 'full-path')!) : undefined;
  if (!opfPath) throw new UnreadableFileError('EPUB container names no package document');
  const opfBytes = readZip(bytes, (name) => name === opfPath).get(opfPath);
  if (!opfBytes) throw new UnreadableFileError(`EPUB package document ${opfPath} is missing`);
  const pkg = firstChild(parseXml(opfBytes, opfPath), 'package');
  if (!pkg) throw new UnreadableFileError(`${opfPath} is not an EPUB package document`);

  const chapters = spine(pkg, opfPath);
  const wanted = new Set(chapters);
  const files = readZip(bytes, (name) => wanted.has(name));

  const budget = new TextBudget();
  const sections: StructuredDocumentSectionBody[] = [];
  let firstChapterTitle: string | undefined;
  for (const name of chapters) {
    const data = files.get(name);
    if (!data) continue; // listed in the manifest but absent from the archive
    const chapter = htmlToParsed(decodeXmlBytes(data), options);
    budget.add(JSON.stringify(chapter.sections));
    firstChapterTitle ??= firstTitle(chapter);
    sections.push(...chapter.sections);
  }

  const metadata = packageMetadata(pkg);
  const title = (metadata.title as string | undefined) ?? firstChapterTitle;
  const parsed: ParsedFile = { metadata, sections };
  if (title) parsed.title = title;
  return parsed;
};

function firstTitle(chapter: ParsedFile): string | undefined {
  return chapter.title ?? chapter.sections.find((s) => s.title)?.title;
}

/** The spine's (X)HTML items as archive paths, in reading order (each once). */
function spine(pkg: XmlNode, opfPath: string): string[] {
  const base = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : '';
  const manifest = new Map<string, { href: string; type: string }>();
  for (const item of childrenNamed(firstChild(pkg, 'manifest') ?? pkg, 'item')) {
    const id = attr(item, 'id');
    const href = attr(item, 'href');
    if (id && href) manifest.set(id, { href, type: (attr(item, 'media-type') ?? '').toLowerCase() });
  }
  const out: string[] = [];
  for (const ref of childrenNamed(firstChild(pkg, 'spine') ?? pkg, 'itemref')) {
    const item = manifest.get(attr(ref, 'idref') ?? '');
    if (!item) continue;
    const type = item.type || (/\.x?html?$/i.test(item.href) ? 'application/xhtml+xml' : '');
    if (!HTML_TYPES.has(type)) continue;
    const path = resolveHref(base, item.href);
    if (path && !out.includes(path)) out.push(path);
  }
  return out;
}

/** An OPF-relative href as an archive path (percent-decoded, fragment dropped). */
function resolveHref(base: string, href: string): string | undefined {
  const bare = href.split('#')[0]!.split('?')[0]!;
  if (!bare || /^[a-z][a-z0-9+.-]*:/i.test(bare)) return undefined; // remote resources are not read
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    // keep it as written
  }
  return normalizePath(decoded.startsWith('/') ? decoded.slice(1) : base + decoded);
}

function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/** OPF metadata: title, author (creators joined), created_at (dc:date), modified_at. */
function packageMetadata(pkg: XmlNode): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const meta = descend(pkg, 'metadata');
  if (!meta) return metadata;
  const values = (local: string): string[] =>
    childrenNamed(meta, local)
      .map((n) => textOf(n).replace(/\s+/g, ' ').trim())
      .filter(Boolean);
  const title = values('title')[0];
  if (title) metadata.title = title;
  const creators = values('creator');
  if (creators.length > 0) metadata.author = creators.join(', ');
  const created = isoDate(values('date')[0]);
  if (created) metadata.created_at = created;
  const modifiedNode = childrenNamed(meta, 'meta').find((m) => attr(m, 'property') === 'dcterms:modified');
  const modified = isoDate(modifiedNode ? textOf(modifiedNode) : undefined);
  if (modified) metadata.modified_at = modified;
  return metadata;
}
