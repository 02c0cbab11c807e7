/**
 * Cross-encoder re-ranker for a local ONNX model directory, loaded fully offline:
 *
 *   <path>/model.onnx        a sequence-classification export (e.g. by Optimum) taking input_ids,
 *                            attention_mask and optionally token_type_ids, with an output `logits`
 *                            [batch, 1] or [batch, 2] (otherwise its first output is used)
 *   <path>/tokenizer.json    Hugging Face tokenizers format (tokenizer_config.json optional)
 *
 * Each (query, passage) pair is encoded as a sentence pair by the tokenizer's own pair template, so
 * BERT-style models get `[CLS] query [SEP] passage [SEP]` with token_type_ids 0 / 1 and RoBERTa-style
 * ones `<s> query </s></s> passage </s>`. Pairs longer than the maximum length lose passage tokens
 * first; the query is cut only when it would otherwise leave the passage less than half the room.
 *
 * Scores: the sigmoid of the logit for single-logit models, the softmax probability of the last
 * class for two-logit models; higher is more relevant.
 *
 * Shares the tokenizer wrapper (ModelTokenizer) with the ONNX encoder; onnxruntime-node is imported
 * when the model is first used, so a server that never re-ranks with a model never loads it.
 */
import type * as Ort from 'onnxruntime-node';
import type { ModelTokenizer, TokenBatch } from '../encoders/onnx-tokenizer.js';
import { loadOnnxModel, runBatch } from '../onnx-session.js';

export interface CrossEncoderSpec {
  name: string;
  /** Directory holding model.onnx and tokenizer.json. */
  path: string;
  /** max tokens per pair, default 512 (never more than the tokenizer's own model_max_length) */
  max_length?: number;
}

export interface CrossEncoderOptions {
  /** Pairs per session run (default 16); pairs are grouped by length to limit padding. */
  maxBatch?: number;
  /** ONNX Runtime intra-op threads (default: its own choice, all cores). */
  threads?: number;
}

export interface CrossEncoder {
  readonly name: string;
  /** One relevance score per passage, in order; higher is more relevant. Sigmoid of the logit for single-logit models (so scores are in (0,1)); for two-logit models, softmax probability of the last class. */
  score(query: string, passages: readonly string[]): Promise<number[]>;
  close(): Promise<void>;
}

/** The model could not be loaded or run; the message names the model directory and the problem. */
export class CrossEncoderError extends Error {
  override name = 'CrossEncoderError';
}

const DEFAULT_MAX_LENGTH = 512;

export function createOnnxCrossEncoder(spec: CrossEncoderSpec, options: CrossEncoderOptions = {}): CrossEncoder {
  return new OnnxCrossEncoder(spec, options);
}

interface Encoded {
  ids: number[];
  typeIds: number[];
}

interface Loaded {
  session: Ort.InferenceSession;
  ort: typeof Ort;
  tokenizer: ModelTokenizer;
  pairs: PairEncoder;
  output: string;
}

class OnnxCrossEncoder implements CrossEncoder {
  readonly name: string;
  private loaded: Promise<Loaded> | undefined;

  constructor(
    private readonly spec: CrossEncoderSpec,
    private readonly options: CrossEncoderOptions,
  ) {
    this.name = spec.name;
  }

  async score(query: string, passages: readonly string[]): Promise<number[]> {
    if (passages.length === 0) return [];
    const model = await this.load();
    let rows: Encoded[];
    try {
      rows = passages.map((p) => model.pairs.encode(query, p));
    } catch (err) {
      throw this.error(`cannot tokenize: ${(err as Error).message}`);
    }
    // Group pairs of similar length: far less padding than input order on mixed lengths.
    const order = rows.map((_, i) => i).sort((a, b) => (rows[a]?.ids.length ?? 0) - (rows[b]?.ids.length ?? 0));
    const out = new Array<number>(passages.length);
    const maxBatch = Math.max(1, this.options.maxBatch ?? 16);
    for (let start = 0; start < order.length; start += maxBatch) {
      const idx = order.slice(start, start + maxBatch);
      const scores = await this.run(model, model.tokenizer.pad(idx.map((i) => rows[i] ?? { ids: [], typeIds: [] })), idx.length);
      idx.forEach((i, k) => (out[i] = scores[k] ?? Number.NaN));
    }
    return out;
  }

  async close(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) await (await loaded.catch(() => undefined))?.session.release();
  }

  /** Loads tokenizer and session once; a failed load is retried on the next call. */
  private load(): Promise<Loaded> {
    this.loaded ??= this.open().catch((err: unknown) => {
      this.loaded = undefined;
      throw err instanceof CrossEncoderError ? err : this.error(`cannot load the model: ${(err as Error).message}`);
    });
    return this.loaded;
  }

  private error(problem: string): CrossEncoderError {
    return new CrossEncoderError(`ONNX cross-encoder "${this.name}" (${this.spec.path}): ${problem}`);
  }

  private async open(): Promise<Loaded> {
    const { session, ort, tokenizer, prepared: pairs } = await loadOnnxModel(this.spec.path, {
      ...(this.options.threads ? { threads: this.options.threads } : {}),
      fail: (problem) => {
        switch (problem.kind) {
          case 'no-directory':
            return this.error('model directory does not exist');
          case 'missing':
            return this.error(`missing ${problem.file} in the model directory`);
          case 'tokenizer':
            return this.error(`cannot read tokenizer.json: ${(problem.cause as Error).message}`);
          case 'session':
            return this.error(`cannot load model.onnx: ${(problem.cause as Error).message}`);
          case 'inputs':
            return this.error(
              `unsupported model inputs ${JSON.stringify(problem.inputNames)} (expected input_ids, attention_mask, token_type_ids)`,
            );
        }
      },
      prepare: (tokenizer) => {
        const maxLength = Math.min(this.spec.max_length ?? DEFAULT_MAX_LENGTH, tokenizer.maxLength);
        try {
          const pairs = new PairEncoder(tokenizer, maxLength);
          pairs.encode('query', 'passage'); // fails now, not on the first request, without a pair template
          return pairs;
        } catch (err) {
          throw this.error(`cannot encode sentence pairs with tokenizer.json: ${(err as Error).message}`);
        }
      },
    });
    const output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
    if (!output) {
      await session.release();
      throw this.error('model has no outputs');
    }
    return { session, ort, tokenizer, pairs, output };
  }

  private async run(model: Loaded, batch: TokenBatch, rows: number): Promise<number[]> {
    const tensor = await runBatch(model.ort, model.session, batch, rows, model.output, (m) => this.error(m));
    const data = tensor?.data;
    if (!tensor || !(data instanceof Float32Array || data instanceof Float64Array)) {
      throw this.error(`output "${model.output}" is not a float tensor`);
    }
    const classes = tensor.dims.length === 1 ? 1 : tensor.dims.length === 2 ? (tensor.dims[1] ?? 0) : 0;
    if (tensor.dims[0] !== rows || (classes !== 1 && classes !== 2)) {
      throw this.error(`output "${model.output}" has shape [${tensor.dims.join(', ')}]; expected [${rows}, 1] or [${rows}, 2]`);
    }
    const scores: number[] = [];
    for (let r = 0; r < rows; r++) {
      const last = data[r * classes + classes - 1] ?? Number.NaN;
      // Softmax over two classes is the sigmoid of their difference.
      scores.push(sigmoid(classes === 2 ? last - (data[r * classes] ?? Number.NaN) : last));
    }
    return scores;
  }
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Encodes (query, passage) pairs with the tokenizer's pair template, truncating before the special
 * tokens are added (so [SEP] / </s> survive). @huggingface/tokenizers does no truncation itself, so
 * this tokenizes both texts without special tokens, cuts them, and then runs the post-processor,
 * mapping its token strings to ids the way Tokenizer.encode does (added tokens, then the vocabulary,
 * then the unknown token).
 */
export class PairEncoder {
  private readonly toId: (token: string) => number;

  constructor(
    private readonly model: ModelTokenizer,
    /** Tokens per pair, special tokens included. */
    readonly maxLength: number,
  ) {
    const tok = model.tokenizer;
    const added = new Map<string, number>();
    for (const [id, token] of tok.get_added_tokens_decoder()) added.set(token.content, id);
    const vocab = tok.model?.tokens_to_ids ?? new Map<string, number>();
    const unk = tok.model?.unk_token_id ?? 0;
    this.toId = (t) => added.get(t) ?? vocab.get(t) ?? unk;
  }

  encode(query: string, passage: string): Encoded {
    const tok = this.model.tokenizer;
    const q = tok.tokenize(query);
    const p = tok.tokenize(passage);
    let joined = this.join(q, p);
    if (joined.tokens.length > this.maxLength) {
      const specials = joined.tokens.length - q.length - p.length;
      const room = Math.max(0, this.maxLength - specials);
      const keepP = Math.min(p.length, Math.max(room - q.length, Math.floor(room / 2)));
      const keepQ = Math.min(q.length, room - keepP);
      joined = this.join(q.slice(0, keepQ), p.slice(0, keepP));
    }
    return { ids: joined.tokens.map(this.toId), typeIds: joined.typeIds };
  }

  /** The post-processed pair: special tokens and type ids from the tokenizer's pair template. */
  private join(q: string[], p: string[]): { tokens: string[]; typeIds: number[] } {
    const post = this.model.tokenizer.post_processor;
    if (!post) return { tokens: [...q, ...p], typeIds: [...q.map(() => 0), ...p.map(() => 1)] };
    const out = post(q, p, true);
    // A post-processor that only transforms (ByteLevel) hands the second sequence back separately.
    const tail = out.tokens_pair ?? [];
    const tokens = [...out.tokens, ...tail];
    if (tokens.length < q.length + p.length) {
      throw new Error('its post_processor has no sentence-pair template');
    }
    const head = out.token_type_ids ?? out.tokens.map(() => 0);
    return { tokens, typeIds: [...head, ...tail.map(() => 1)] };
  }
}
