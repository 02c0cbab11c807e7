/**
 * The built-in encoder against the real converted GloVe table (built by `postinstall`, or on first
 * use if missing), so these tests check real semantics, not a mock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ENCODER } from '../../../src/providers/encoders/catalog.js';
import { defaultGloveBinaryPath, parseGloveBinary } from '../../../src/providers/encoders/glove-binary.js';
import { StaticGloveEncoder } from '../../../src/providers/encoders/static-glove.js';
import { EncoderError } from '../../../src/providers/encoders/types.js';

const cos = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: Float32Array): number => Math.sqrt(cos(a, a));

const encoder = new StaticGloveEncoder();
async function one(text: string): Promise<Float32Array> {
  const [v] = await encoder.embed([text], 'document');
  if (!v) throw new Error('no vector');
  return v;
}

beforeAll(async () => {
  await encoder.load(); // may build the binary on a machine that skipped postinstall
}, 120_000);

describe('quarry-static-glove-100d', () => {
  it('has an honest name and 100 dimensions', () => {
    expect(encoder.name).toBe(BUILT_IN_ENCODER);
    expect(encoder.dimensions).toBe(100);
  });

  it('puts paraphrases closer than unrelated text', async () => {
    const cat = await one('the cat sat on the mat');
    expect(cos(cat, await one('a kitten rested on the rug'))).toBeGreaterThan(
      cos(cat, await one('quarterly revenue grew by ten percent')),
    );
    const money = await one('quarterly revenue grew by ten percent');
    expect(cos(money, await one('the company reported strong earnings growth'))).toBeGreaterThan(
      cos(money, await one('dogs are loyal pets')),
    );
  });

  it('returns unit vectors, deterministically, in input order, the same for both kinds', async () => {
    const texts = ['the cat sat on the mat', 'Stock markets fell sharply on Tuesday.', 'hello'];
    const a = await encoder.embed(texts, 'document');
    const b = await encoder.embed(texts, 'query');
    expect(a).toHaveLength(3);
    for (const [i, v] of a.entries()) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(100);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(Array.from(v)).toEqual(Array.from(b[i] ?? []));
    }
    expect(Array.from(a[2] ?? [])).toEqual(Array.from(await one('hello')));
  });

  it('ignores case, punctuation and unknown words', async () => {
    const v = await one('the cat sat on the mat');
    expect(cos(v, await one('THE CAT SAT, ON THE MAT!!'))).toBeCloseTo(1, 6);
    expect(cos(v, await one('the cat xqzzvw sat on the mat 12345'))).toBeCloseTo(1, 6);
  });

  it('gives text without known words one fixed unit vector, orthogonal to real text', async () => {
    const empty = await one('');
    expect(norm(empty)).toBeCloseTo(1, 5);
    for (const t of ['   ', '12345 67890', 'xqzzvw qqxjjz', '!!! ???']) {
      expect(Array.from(await one(t))).toEqual(Array.from(empty));
    }
    for (const t of ['the cat sat on the mat', 'revenue', 'the']) {
      expect(Math.abs(cos(empty, await one(t)))).toBeLessThan(1e-5);
    }
  });

  it('weights rare words above frequent ones (SIF)', async () => {
    const v = await one('the of and kitten');
    expect(cos(v, await one('kitten'))).toBeGreaterThan(0.9);
  });

  it('embeds 1,000 passages of ~300 characters quickly (logged, not asserted)', async () => {
    const sentences = [
      'The committee approved the annual budget after a long debate about school funding.',
      'Researchers found that the new vaccine reduced hospital admissions among older patients.',
      'Heavy rain flooded several roads in the northern districts, and power was cut overnight.',
      'The company said quarterly revenue rose by ten percent, driven by strong software sales.',
      'Fans gathered outside the stadium hours before the final match of the season began.',
    ];
    const passages = Array.from({ length: 1000 }, (_, i) =>
      [0, 1, 2, 3].map((k) => sentences[(i + k) % sentences.length]).join(' ').slice(0, 300),
    );
    const started = performance.now();
    const vectors = await encoder.embed(passages, 'document');
    const ms = performance.now() - started;
    expect(vectors).toHaveLength(1000);
    console.log(`quarry-static-glove-100d: ${Math.round((1000 / ms) * 1000)} texts/s (1,000 x 300 chars in ${ms.toFixed(0)} ms)`);
  });

  it('stores a compact table: int8 vectors, ~200k words, unit common component', () => {
    const table = parseGloveBinary(readFileSync(defaultGloveBinaryPath()));
    expect(table.index.size).toBeGreaterThan(190_000);
    expect(table.index.size).toBeLessThanOrEqual(200_000);
    expect(table.vectors.length).toBe(table.index.size * 100);
    expect(norm(table.commonComponent)).toBeCloseTo(1, 5);
    expect(table.index.has('kitten')).toBe(true);
  });

  it('rejects a file that is not a converted table', () => {
    expect(() => parseGloveBinary(Buffer.from('not a table at all'))).toThrow(/not a quarry GloVe binary/);
  });

  it('reports a missing table that cannot be built as EncoderError', async () => {
    // The binary is missing and cannot be built there: a regular file stands where its directory should be.
    const dir = mkdtempSync(join(tmpdir(), 'quarry-glove-'));
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    try {
      const broken = new StaticGloveEncoder({ path: join(file, 'table.bin') });
      await expect(broken.embed(['x'], 'query')).rejects.toThrow(EncoderError);
      await expect(broken.embed(['x'], 'query')).rejects.toThrow(/cannot build the built-in word vectors/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
