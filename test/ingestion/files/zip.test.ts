import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { Deflate, deflateSync, inflateSync, strToU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocx } from '../../../src/ingestion/files/docx.js';
import { parseEpub } from '../../../src/ingestion/files/epub.js';
import { parseOdt } from '../../../src/ingestion/files/odt.js';
import { parsePptx } from '../../../src/ingestion/files/pptx.js';
import { FILE_LIMITS, type FileParser, UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { readZip } from '../../../src/ingestion/files/zip.js';
import { zipParts } from './zip-fixtures.js';

// ---------------------------------------------------------------------------------------------
// A minimal ZIP writer: entries either honest (deflated here, true sizes) or raw (compressed bytes
// and a declared uncompressed size of our choosing, written to both local header and directory).

interface RawEntry {
  name: string;
  method: number;
  compressed: Uint8Array;
  declaredSize: number;
  crc?: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function honest(name: string, content: string): RawEntry {
  const data = strToU8(content);
  return { name, method: 8, compressed: deflateSync(data, { level: 6 }), declaredSize: data.length, crc: crc32(data) };
}

function buildZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.compressed.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc ?? 0, 16);
    central.writeUInt32LE(e.compressed.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.compressed));
    centrals.push(central, name);
    offset += 30 + name.length + e.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------
// The bomb: a DEFLATE stream of 1 GiB of zeros (~1 MB), built once in well under a second.
// fflate at level 9 compresses a 1 MiB chunk of zeros to ~1 KB; a sync flush after each chunk
// ends it on a byte boundary, and since every chunk after the first sees only zeros in its window,
// the second chunk's bytes can be repeated to stand for any number of further MiB of zeros.

const MiB = 1024 * 1024;
const BOMB_MIB = 1024;
let bombStream: Uint8Array;

function zerosStream(mib: number): Uint8Array {
  let out: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 }, (chunk) => out.push(chunk));
  const take = (): Buffer => {
    const taken = Buffer.concat(out);
    out = [];
    return taken;
  };
  const zeros = new Uint8Array(MiB);
  deflate.push(zeros, false);
  deflate.flush(true);
  const first = take();
  deflate.push(zeros, false);
  deflate.flush(true);
  const next = take();
  deflate.push(new Uint8Array(0), true);
  const last = take();
  return Buffer.concat([first, ...Array.from({ length: mib - 1 }, () => next), last]);
}

/** A ZIP whose entry `name` declares `declared` bytes but inflates to 1 GiB of zeros. */
function bomb(name: string, parts: Record<string, string> = {}, declared = 1000): Buffer {
  const entries = Object.entries(parts).map(([n, c]) => honest(n, c));
  entries.push({ name, method: 8, compressed: bombStream, declaredSize: declared });
  return buildZip(entries);
}

beforeAll(() => {
  bombStream = zerosStream(BOMB_MIB);
});

// ---------------------------------------------------------------------------------------------
// Small honest documents of each format.

async function docxFile(): Promise<Buffer> {
  const doc = new Document({
    title: 'Small Doc',
    sections: [{ children: [new Paragraph({ text: 'Heading', heading: HeadingLevel.HEADING_1 }), new Paragraph('Some body text.')] }],
  });
  return Packer.toBuffer(doc);
}

const PPTX_NS =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const SLIDE =
  `<?xml version="1.0" encoding="UTF-8"?><p:sld ${PPTX_NS}><p:cSld><p:spTree>` +
  '<p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Slide title</a:t></a:r></a:p></p:txBody></p:sp>' +
  '<p:sp><p:nvSpPr><p:nvPr/></p:nvSpPr><p:txBody><a:p><a:r><a:t>Slide body</a:t></a:r></a:p></p:txBody></p:sp>' +
  '</p:spTree></p:cSld></p:sld>';
const PRESENTATION = `<?xml version="1.0" encoding="UTF-8"?><p:presentation ${PPTX_NS}/>`;

const ODT_CONTENT =
  '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>' +
  '<text:h text:outline-level="1">Notes</text:h><text:p>A paragraph of notes.</text:p></office:text></office:body></office:document-content>';

const CONTAINER =
  '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">' +
  '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>';
const OPF =
  '<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">' +
  '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="uid">urn:uuid:1</dc:identifier><dc:title>Tiny Book</dc:title></metadata>' +
  '<manifest><item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>';
const CHAPTER =
  '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title></head>' +
  '<body><h1>Chapter One</h1><p>It was a dark night.</p></body></html>';

interface Case {
  format: string;
  parse: FileParser;
  honest: () => Promise<Buffer>;
  bomb: () => Buffer;
  check: (parsed: Awaited<ReturnType<FileParser>>) => void;
}

const cases: Case[] = [
  {
    format: 'DOCX',
    parse: parseDocx,
    honest: docxFile,
    bomb: () => bomb('word/document.xml', { '[Content_Types].xml': '<Types/>' }),
    check: (parsed) => {
      expect(parsed.title).toBe('Small Doc');
      expect(parsed.sections).toEqual([{ title: 'Heading', text: 'Some body text.' }]);
    },
  },
  {
    format: 'PPTX',
    parse: parsePptx,
    honest: async () => buildZip([honest('ppt/presentation.xml', PRESENTATION), honest('ppt/slides/slide1.xml', SLIDE)]),
    bomb: () => bomb('ppt/slides/slide1.xml', { 'ppt/presentation.xml': PRESENTATION }),
    check: (parsed) => {
      expect(parsed.sections).toEqual([{ title: 'Slide title', text: 'Slide body', metadata: { slide: 1 } }]);
    },
  },
  {
    format: 'ODT',
    parse: parseOdt,
    honest: async () => buildZip([honest('mimetype', 'application/vnd.oasis.opendocument.text'), honest('content.xml', ODT_CONTENT)]),
    bomb: () => bomb('content.xml', { mimetype: 'application/vnd.oasis.opendocument.text' }),
    check: (parsed) => {
      expect(parsed.sections).toEqual([{ title: 'Notes', text: 'A paragraph of notes.' }]);
    },
  },
  {
    format: 'EPUB',
    parse: parseEpub,
    honest: async () =>
      buildZip([
        honest('mimetype', 'application/epub+zip'),
        honest('META-INF/container.xml', CONTAINER),
        honest('OEBPS/content.opf', OPF),
        honest('OEBPS/ch1.xhtml', CHAPTER),
      ]),
    bomb: () => bomb('META-INF/container.xml', { mimetype: 'application/epub+zip' }),
    check: (parsed) => {
      expect(parsed.title).toBe('Tiny Book');
      expect(parsed.sections).toEqual([{ title: 'Chapter One', text: 'It was a dark night.' }]);
    },
  },
];

const opts = (filename: string) => ({ filename, extractTables: true });

/** Runs `parse` on `bytes`, expecting a refusal; returns the time it took (ms) and the error. */
async function timedRefusal(parse: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  let error: unknown;
  try {
    await parse();
  } catch (e) {
    error = e;
  }
  return { ms: performance.now() - start, error };
}

describe('ZIP bombs that lie about their sizes', () => {
  it('the bomb stream is ~1 MB and its pieces inflate to zeros', () => {
    expect(bombStream.length).toBeLessThan(2 * MiB);
    // Inflating all of it would take tens of seconds; its first piece, a middle one and its end do not.
    const sample = zerosStream(3);
    const inflated = inflateSync(sample);
    expect(inflated.length).toBe(3 * MiB);
    expect(inflated.every((b) => b === 0)).toBe(true);
    expect(bombStream.length).toBe(sample.length + (BOMB_MIB - 3) * (sample.length - zerosStream(2).length));
  });

  for (const c of cases) {
    describe(c.format, () => {
      it('parses an honest small file', async () => {
        c.check(await c.parse(await c.honest(), opts(`small.${c.format.toLowerCase()}`)));
      });

      it('refuses an entry declaring 1000 bytes that inflates to 1 GiB, in well under a second', async () => {
        const file = c.bomb();
        expect(file.length).toBeLessThan(2 * MiB);
        const { ms, error } = await timedRefusal(() => c.parse(file, opts(`bomb.${c.format.toLowerCase()}`)));
        expect(error).toBeInstanceOf(UnreadableFileError);
        expect((error as Error).message).toMatch(/inflates beyond its declared size/);
        expect(ms).toBeLessThan(1500);
      });
    });
  }

  it('EPUB: refuses a lying chapter (read after the container and package documents)', async () => {
    const file = bomb('OEBPS/ch1.xhtml', { mimetype: 'application/epub+zip', 'META-INF/container.xml': CONTAINER, 'OEBPS/content.opf': OPF });
    const { ms, error } = await timedRefusal(() => parseEpub(file, opts('bomb.epub')));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as Error).message).toMatch(/inflates beyond its declared size/);
    expect(ms).toBeLessThan(1500);
  });

  it('stops at the declared size even when that is large (8 MiB declared, 1 GiB inside)', async () => {
    const file = bomb('content.xml', {}, 8 * MiB);
    const { ms, error } = await timedRefusal(async () => readZip(file, () => true));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as Error).message).toMatch(/inflates beyond its declared size/);
    expect(ms).toBeLessThan(1500);
  });

  it('refuses the same stream declared honestly, before inflating, from the declared size alone', async () => {
    const file = bomb('content.xml', {}, BOMB_MIB * MiB);
    const { ms, error } = await timedRefusal(async () => readZip(file, () => true));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as Error).message).toMatch(/inflate to more than/);
    expect(ms).toBeLessThan(100);
  });
});

describe('readZip', () => {
  it('returns only the wanted entries, never inflating the others', () => {
    // The unwanted entry is the bomb: were it inflated, it would be refused.
    const file = bomb('media/huge.bin', { 'a.xml': '<a/>', 'b.xml': '<b/>' });
    const files = readZip(file, (name) => name.endsWith('.xml'));
    expect([...files.keys()].sort()).toEqual(['a.xml', 'b.xml']);
    expect(new TextDecoder().decode(files.get('a.xml'))).toBe('<a/>');
  });

  it('reads archives written by fflate, stored and deflated', () => {
    for (const level of [0, 6] as const) {
      const files = readZip(zipParts({ 'x.xml': '<x>hello</x>', 'dir/y.txt': 'y' }, level), () => true);
      expect(new TextDecoder().decode(files.get('x.xml'))).toBe('<x>hello</x>');
      expect(new TextDecoder().decode(files.get('dir/y.txt'))).toBe('y');
    }
  });

  it('checks stored entries against their declared size too', () => {
    const data = strToU8('0123456789'.repeat(100));
    const stored = (declaredSize: number) => buildZip([{ name: 'a.xml', method: 0, compressed: data, declaredSize }]);
    expect(readZip(stored(1000), () => true).get('a.xml')).toEqual(data);
    expect(() => readZip(stored(10), () => true)).toThrow(/inflates beyond its declared size/);
    expect(() => readZip(stored(2000), () => true)).toThrow(UnreadableFileError);
  });

  it('refuses an entry inflating to less than it declares, and damaged or truncated data', () => {
    const short = honest('a.xml', '<a>some text</a>');
    expect(() => readZip(buildZip([{ ...short, declaredSize: short.declaredSize + 1 }]), () => true)).toThrow(UnreadableFileError);
    const cut = { ...short, compressed: short.compressed.subarray(0, short.compressed.length - 4) };
    expect(() => readZip(buildZip([cut]), () => true)).toThrow(UnreadableFileError);
    const garbage = { ...short, compressed: new Uint8Array(short.compressed.length).fill(0xff) };
    expect(() => readZip(buildZip([garbage]), () => true)).toThrow(UnreadableFileError);
    const unknownMethod = { ...short, method: 12 };
    expect(() => readZip(buildZip([unknownMethod]), () => true)).toThrow(/compression method/);
    const whole = buildZip([short]);
    for (const end of [whole.length - 10, 40, 10, 0]) {
      expect(() => readZip(whole.subarray(0, end), () => true)).toThrow(UnreadableFileError);
    }
  });

  it('adds up the declared sizes of the wanted entries against FILE_LIMITS.maxUnzippedBytes', () => {
    const saved = FILE_LIMITS.maxUnzippedBytes;
    FILE_LIMITS.maxUnzippedBytes = 1500;
    try {
      const files = { 'a.xml': 'a'.repeat(1000), 'b.xml': 'b'.repeat(1000) };
      expect(() => readZip(zipParts(files), () => true)).toThrow(/inflate to more than 1500 bytes/);
      expect(readZip(zipParts(files), (name) => name === 'a.xml').size).toBe(1);
    } finally {
      FILE_LIMITS.maxUnzippedBytes = saved;
    }
  });
});
