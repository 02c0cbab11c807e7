/**
 * Encoder for a local ONNX model directory, loaded fully offline:
 *
 *   <path>/model.onnx        a transformer export (e.g. by Optimum) taking input_ids,
 *                            attention_mask and optionally token_type_ids
 *   <path>/tokenizer.json    Hugging Face tokenizers format (tokenizer_config.json optional)
 *   <path>/1_Pooling/config.json   optional sentence-transformers pooling config (mean or CLS)
 *
 * Output: `last_hidden_state` (or `token_embeddings`, or the first output) [batch, tokens, dim] is
 * pooled (mask-aware mean, or the first token) and L2-normalised; a rank-2 output [batch, dim]
 * (an export that already pools, e.g. `sentence_embedding`) is only normalised.
 *
 * Runs onnxruntime-node's CPU build directly rather than transformers.js's pipeline: the same
 * tokenizer implementation, but no config.json requirement, no sharp/onnxruntime-web, and explicit
 * control over inputs, pooling and truncation. onnxruntime-node is imported on first use, so a
 * server that never uses an ONNX encoder never loads the native library.
 *
 * Asymmetric models (e5: "query: " / "passage: ") get per-kind prefixes from the spec.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { loadOnnxModel, runBatch } from '../onnx-session.js';
import type { ModelTokenizer, TokenBatch } from './onnx-tokenizer.js';
import type { EmbeddingKind, Encoder } from './types.js';
import { EncoderError } from './types.js';

export type Pooling = 'mean' | 'cls';

export interface OnnxSpec {
  name: string;
  /** Directory holding model.onnx and tokenizer.json. */
  path: string;
  /** Overrides 1_Pooling/config.json; default mean. */
  pooling?: Pooling;
  query_prefix?: string;
  document_prefix?: string;
}

export interface OnnxOptions {
  /** Texts per session run (default 16); texts are grouped by length to limit padding. */
  maxBatch?: number;
  /** ONNX Runtime intra-op threads (default: its own choice, all cores). */
  threads?: number;
}

interface Loaded {
  session: Ort.InferenceSession;
  ort: typeof Ort;
  tokenizer: ModelTokenizer;
  pooling: Pooling;
  output: string;
}

export class OnnxEncoder implements Encoder {
  readonly name: string;
  private knownDimensions = 0;
  private loaded: Promise<Loaded> | undefined;

  constructor(
    private readonly spec: OnnxSpec,
    private readonly options: OnnxOptions = {},
  ) {
    this.name = spec.name;
  }

  /** The vector size; 0 until the model has been loaded and has produced (or declared) it. */
  get dimensions(): number {
    return this.knownDimensions;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    const model = await this.load();
    const prefix = (kind === 'query' ? this.spec.query_prefix : this.spec.document_prefix) ?? '';
    const rows = texts.map((t) => model.tokenizer.encode(prefix + t));
    // Group texts of similar length: far less padding than input order on mixed lengths.
    const order = rows.map((_, i) => i).sort((a, b) => (rows[a]?.ids.length ?? 0) - (rows[b]?.ids.length ?? 0));
    const out = new Array<Float32Array>(texts.length);
    const maxBatch = Math.max(1, this.options.maxBatch ?? 16);
    for (let start = 0; start < order.length; start += maxBatch) {
      const idx = order.slice(start, start + maxBatch);
      const vectors = await this.run(model, model.tokenizer.pad(idx.map((i) => rows[i] ?? { ids: [], typeIds: [] })), idx.length);
      idx.forEach((i, k) => (out[i] = vectors[k] ?? new Float32Array(0)));
    }
    return out;
  }

  async close(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) await (await loaded.catch(() => undefined))?.session.release();
  }

  /** Loads tokenizer and session once; a failed load is retried on the next call. */
  load(): Promise<Loaded> {
    this.loaded ??= this.open().catch((err: unknown) => {
      this.loaded = undefined;
      throw err instanceof EncoderError ? err : new EncoderError(`ONNX encoder "${this.name}": ${(err as Error).message}`);
    });
    return this.loaded;
  }

  private async open(): Promise<Loaded> {
    const { session, ort, tokenizer } = await loadOnnxModel(this.spec.path, {
      ...(this.options.threads ? { threads: this.options.threads } : {}),
      fail: (problem) => {
        switch (problem.kind) {
          // A missing directory is reported as its missing model.onnx.
          case 'no-directory':
            return new EncoderError(`ONNX encoder "${this.name}": missing ${join(this.spec.path, 'model.onnx')}`);
          case 'missing':
            return new EncoderError(`ONNX encoder "${this.name}": missing ${problem.path}`);
          // Rethrown as is; load() wraps it.
          case 'tokenizer':
          case 'session':
            return problem.cause as Error;
          case 'inputs':
            return new EncoderError(`ONNX encoder "${this.name}": unsupported model inputs ${JSON.stringify(problem.inputNames)}`);
        }
      },
    });
    const names = session.outputNames;
    const output = ['last_hidden_state', 'token_embeddings', 'sentence_embedding'].find((n) => names.includes(n)) ?? names[0];
    if (!output) throw new EncoderError(`ONNX encoder "${this.name}": model has no outputs`);
    const meta = session.outputMetadata.find((m) => m.name === output);
    const lastDim = meta?.isTensor ? meta.shape[meta.shape.length - 1] : undefined;
    if (typeof lastDim === 'number' && lastDim > 0) this.knownDimensions = lastDim;
    const pooling = this.spec.pooling ?? (await poolingFromConfig(this.spec.path));
    return { session, ort, tokenizer, pooling, output };
  }

  private async run(model: Loaded, batch: TokenBatch, rows: number): Promise<Float32Array[]> {
    const tensor = await runBatch(model.ort, model.session, batch, rows, model.output, (m) => new EncoderError(`ONNX encoder "${this.name}": ${m}`));
    if (!tensor || !(tensor.data instanceof Float32Array) || (tensor.dims.length !== 2 && tensor.dims.length !== 3)) {
      throw new EncoderError(`ONNX encoder "${this.name}": output "${model.output}" is not a float32 [batch, (tokens,) dim] tensor`);
    }
    const vectors = pool(tensor.data, tensor.dims, batch, model.pooling);
    const dim = vectors[0]?.length ?? 0;
    if (this.knownDimensions === 0) this.knownDimensions = dim;
    if (dim !== this.knownDimensions) {
      throw new EncoderError(`ONNX encoder "${this.name}": model produced ${dim} dimensions, expected ${this.knownDimensions}`);
    }
    return vectors;
  }
}

/** Pools [rows, tokens, dim] (or passes through [rows, dim]) into unit vectors. */
export function pool(data: Float32Array, dims: readonly number[], batch: TokenBatch, pooling: Pooling): Float32Array[] {
  const rows = dims[0] ?? 0;
  const dim = dims[dims.length - 1] ?? 0;
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    if (dims.length === 2) {
      v.set(data.subarray(r * dim, (r + 1) * dim));
    } else {
      const tokens = dims[1] ?? 0;
      let count = 0;
      for (let t = 0; t < tokens; t++) {
        if (pooling === 'cls' ? t > 0 : batch.attentionMask[r * batch.length + t] !== 1n) continue;
        const base = (r * tokens + t) * dim;
        for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) + (data[base + d] ?? 0);
        count++;
      }
      for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) / Math.max(count, 1);
    }
    let sum = 0;
    for (const x of v) sum += x * x;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) * inv;
    out.push(v);
  }
  return out;
}

/** Reads sentence-transformers' 1_Pooling/config.json when present; mean otherwise. */
async function poolingFromConfig(dir: string): Promise<Pooling> {
  try {
    const cfg = JSON.parse(await readFile(join(dir, '1_Pooling', 'config.json'), 'utf8')) as Record<string, unknown>;
    return cfg.pooling_mode_cls_token === true && cfg.pooling_mode_mean_tokens !== true ? 'cls' : 'mean';
  } catch {
    return 'mean';
  }
}
