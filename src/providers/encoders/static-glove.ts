/**
 * The built-in encoder `quarry-static-glove-100d`: a static word-vector average, not a neural model.
 *
 * sentence(text) = normalise( Σ_w sif(w)·v(w)  −  projection onto u )
 *
 * over the vocabulary words of the lower-cased text (see word-tokens.ts), where v(w) is the GloVe
 * 100-d vector, sif(w) = a / (a + p(w)) down-weights frequent words, and u is the common component
 * (the direction every average shares) estimated once at conversion time. See
 * scripts/build-glove.mjs for how sif and u are derived. Dividing by the word count is skipped:
 * it does not change the direction and the result is normalised anyway.
 *
 * Text with no vocabulary word (empty, numbers only, unknown words) gets u itself. Every other
 * vector has u removed, so such texts have cosine 0 with all real text and 1 with each other: a
 * unit vector that never ranks above real content, instead of a zero vector that would break the
 * "L2-normalised" contract (and NaN a cosine).
 *
 * Queries and documents are embedded the same way (the encoder is symmetric). The table (~22 MB)
 * is loaded on the first embed, not at construction.
 */
import { BUILT_IN_ENCODER } from './catalog.js';
import { defaultGloveBinaryPath, loadGloveTable, type GloveTable } from './glove-binary.js';
import type { EmbeddingKind, Encoder } from './types.js';
import { EncoderError } from './types.js';
import { forEachWordRow } from './word-tokens.js';

export const STATIC_GLOVE_DIMENSIONS = 100;

export interface StaticGloveOptions {
  /** The converted binary; defaults to generated/quarry-static-glove-100d.bin in the package. */
  path?: string;
  /** The name corpora use; defaults to BUILT_IN_ENCODER. */
  name?: string;
}

/** Tables by file path, shared by all instances (each is ~40 MB in memory). */
const tables = new Map<string, Promise<GloveTable>>();

export class StaticGloveEncoder implements Encoder {
  readonly name: string;
  readonly dimensions = STATIC_GLOVE_DIMENSIONS;
  private readonly path: string | undefined;

  constructor(options: StaticGloveOptions = {}) {
    this.name = options.name ?? BUILT_IN_ENCODER;
    this.path = options.path;
  }

  async embed(texts: readonly string[], _kind: EmbeddingKind): Promise<Float32Array[]> {
    const table = await this.load();
    return texts.map((text) => embedText(table, text));
  }

  /** Loads (once per file, shared) and returns the word table; a failed load is retried later. */
  load(): Promise<GloveTable> {
    const path = this.path ?? defaultGloveBinaryPath();
    let table = tables.get(path);
    if (!table) {
      table = loadGloveTable(path).then(
        (t) => {
          if (t.dims !== STATIC_GLOVE_DIMENSIONS) {
            throw new EncoderError(`built-in word vectors have ${t.dims} dimensions, expected ${STATIC_GLOVE_DIMENSIONS}`);
          }
          return t;
        },
        (err: unknown) => {
          throw err instanceof EncoderError ? err : new EncoderError(`cannot load the built-in word vectors: ${String(err)}`);
        },
      );
      table.catch(() => tables.delete(path));
      tables.set(path, table);
    }
    return table;
  }
}

/** One text's unit vector (see the file comment). Exported for tests. */
export function embedText(table: GloveTable, text: string): Float32Array {
  const { dims, index, vectors, factor, commonComponent: u } = table;
  const acc = new Float64Array(dims);
  let found = 0;
  forEachWordRow(
    text,
    (word) => index.get(word),
    (row) => {
      const f = factor[row] ?? 0;
      const base = row * dims;
      for (let d = 0; d < dims; d++) acc[d]! += f * vectors[base + d]!;
      found++;
    },
  );
  if (found === 0) return Float32Array.from(u);

  let before = 0;
  let dot = 0;
  for (let d = 0; d < dims; d++) {
    before += acc[d]! * acc[d]!;
    dot += acc[d]! * u[d]!;
  }
  let norm = 0;
  for (let d = 0; d < dims; d++) {
    acc[d]! -= dot * u[d]!;
    norm += acc[d]! * acc[d]!;
  }
  // Only possible if the words' average lies (numerically) on u itself.
  if (norm <= before * 1e-12) return Float32Array.from(u);
  const inv = 1 / Math.sqrt(norm);
  const out = new Float32Array(dims);
  for (let d = 0; d < dims; d++) out[d] = acc[d]! * inv;
  return out;
}
