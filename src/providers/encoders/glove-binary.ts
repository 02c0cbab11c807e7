/**
 * Reads the binary that scripts/build-glove.mjs writes (layout documented there) and finds or
 * builds it. The file is generated at install time (`postinstall`) and never committed; if it is
 * missing or from another format version, `ensureGloveBinary` runs the same script once.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EncoderError } from './types.js';

/** Must match FORMAT_VERSION in scripts/build-glove.mjs. */
export const GLOVE_FORMAT_VERSION = 1;
const MAGIC = 'QRYGLOVE';
const BINARY_NAME = 'quarry-static-glove-100d.bin';

export interface GloveTable {
  readonly dims: number;
  /** word -> row */
  readonly index: ReadonlyMap<string, number>;
  /** int8 rows, `dims` per word */
  readonly vectors: Int8Array;
  /** Per row: SIF weight × dequantisation scale, so a row contributes `factor[row] * vectors[row]`. */
  readonly factor: Float32Array;
  /** Unit-length common component removed from every sentence vector. */
  readonly commonComponent: Float32Array;
}

interface Header {
  formatVersion: number;
  dims: number;
  count: number;
  sections: Record<'pc' | 'scale' | 'weight' | 'vectors' | 'vocab', [number, number]>;
}

let root: string | undefined;

/** The directory holding this project's package.json (works from src/ and from dist/); found once. */
export function packageRoot(): string {
  root ??= findPackageRoot();
  return root;
}

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'quarry') return dir;
      } catch {
        // keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the quarry package root');
    dir = parent;
  }
}

export function defaultGloveBinaryPath(): string {
  return join(packageRoot(), 'generated', BINARY_NAME);
}

function readHeader(buf: Buffer): Header {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a quarry GloVe binary');
  const len = buf.readUInt32LE(8);
  return JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
}

/** Parses a binary already in memory. Throws on a foreign or outdated file. */
export function parseGloveBinary(buf: Buffer): GloveTable {
  const header = readHeader(buf);
  if (header.formatVersion !== GLOVE_FORMAT_VERSION) {
    throw new Error(`GloVe binary has format ${header.formatVersion}, expected ${GLOVE_FORMAT_VERSION}`);
  }
  const { dims, count, sections } = header;
  // Copy float sections into fresh (aligned) arrays; the int8 rows can stay a view of the file.
  const floats = (name: 'pc' | 'scale' | 'weight'): Float32Array => {
    const [offset, length] = sections[name];
    return new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + length));
  };
  const pc = floats('pc');
  const scale = floats('scale');
  const weight = floats('weight');
  const [vOffset, vLength] = sections.vectors;
  const vectors = new Int8Array(buf.buffer, buf.byteOffset + vOffset, vLength);
  const [wOffset, wLength] = sections.vocab;
  const words = buf.toString('utf8', wOffset, wOffset + wLength).split('\n');
  if (words.length !== count || vLength !== count * dims || pc.length !== dims || scale.length !== count) {
    throw new Error('GloVe binary is inconsistent (truncated or corrupt)');
  }
  const index = new Map<string, number>();
  words.forEach((w, i) => index.set(w, i));
  const factor = new Float32Array(count);
  for (let i = 0; i < count; i++) factor[i] = (scale[i] ?? 0) * (weight[i] ?? 0);
  return { dims, index, vectors, factor, commonComponent: pc };
}

async function readCurrent(path: string): Promise<Buffer | null> {
  if (!existsSync(path)) return null;
  const buf = await readFile(path);
  try {
    return readHeader(buf).formatVersion === GLOVE_FORMAT_VERSION ? buf : null;
  } catch {
    return null;
  }
}

/**
 * Loads the table from `path`, first building it with scripts/build-glove.mjs (in a child process,
 * ~10-20 s, ~250 MB) when the file is missing or outdated. Throws EncoderError if that fails.
 */
export async function loadGloveTable(path: string): Promise<GloveTable> {
  let buf = await readCurrent(path);
  if (!buf) {
    const script = join(packageRoot(), 'scripts', 'build-glove.mjs');
    try {
      await promisify(execFile)(process.execPath, [script, '--out', path], { maxBuffer: 1 << 20 });
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      throw new EncoderError(`cannot build the built-in word vectors (run "npm run build:glove"): ${detail.slice(0, 300)}`);
    }
    buf = await readCurrent(path);
    if (!buf) throw new EncoderError(`built-in word vectors missing after build: ${path}`);
  }
  try {
    return parseGloveBinary(buf);
  } catch (err) {
    throw new EncoderError(`cannot load the built-in word vectors: ${(err as Error).message}`);
  }
}
