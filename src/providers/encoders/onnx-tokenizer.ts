/**
 * Tokenisation for local ONNX models: a Hugging Face `tokenizer.json` (plus the optional
 * `tokenizer_config.json`) read from the model directory and run by @huggingface/tokenizers, the
 * pure-JS tokenizer transformers.js uses. Nothing is fetched.
 *
 * Adds what that library leaves to its caller: truncation to the model's maximum length (keeping a
 * trailing special token such as [SEP] or </s>) and padding a batch into int64 tensors.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

/** The length used when neither file states one: what BERT-family encoders accept. */
const DEFAULT_MAX_LENGTH = 512;

export interface TokenBatch {
  /** Tokens per row after padding. */
  readonly length: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

interface TokenizerJson {
  truncation?: { max_length?: number } | null;
  padding?: { pad_id?: number } | null;
}
interface TokenizerConfig {
  model_max_length?: number;
  pad_token?: string | { content?: string };
}

export class ModelTokenizer {
  private constructor(
    /** The underlying @huggingface/tokenizers instance (the cross-encoder builds sentence pairs with it). */
    readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    private readonly padId: number,
    private readonly specialIds: ReadonlySet<number>,
  ) {}

  static async load(dir: string): Promise<ModelTokenizer> {
    const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
    let config: TokenizerConfig = {};
    try {
      config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as TokenizerConfig;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const tokenizer = new Tokenizer(json, config);
    // model_max_length is a huge sentinel (1e30) when unset, so only believe plausible values.
    const fromConfig = config.model_max_length && config.model_max_length <= 100_000 ? config.model_max_length : undefined;
    const maxLength = json.truncation?.max_length ?? fromConfig ?? DEFAULT_MAX_LENGTH;
    const padToken = typeof config.pad_token === 'string' ? config.pad_token : config.pad_token?.content;
    const padId = (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? json.padding?.pad_id ?? 0;
    const specialIds = new Set<number>();
    for (const [id, token] of tokenizer.get_added_tokens_decoder()) if (token.special) specialIds.add(id);
    return new ModelTokenizer(tokenizer, maxLength, padId, specialIds);
  }

  /** Token ids (with the model's special tokens) and type ids of one text, truncated. */
  encode(text: string): { ids: number[]; typeIds: number[] } {
    const enc = this.tokenizer.encode(text, { return_token_type_ids: true });
    let ids = enc.ids;
    let typeIds = enc.token_type_ids ?? [];
    if (ids.length > this.maxLength) {
      const last = ids[ids.length - 1];
      const keepLast = last !== undefined && this.specialIds.has(last);
      const head = keepLast ? this.maxLength - 1 : this.maxLength;
      ids = keepLast ? [...ids.slice(0, head), last] : ids.slice(0, head);
      typeIds = keepLast ? [...typeIds.slice(0, head), typeIds[typeIds.length - 1] ?? 0] : typeIds.slice(0, head);
    }
    return { ids, typeIds };
  }

  /** Pads encoded rows to the longest one (at least 1 token) as row-major int64 tensors. */
  pad(rows: readonly { ids: number[]; typeIds: number[] }[]): TokenBatch {
    const length = Math.max(1, ...rows.map((r) => r.ids.length));
    const size = rows.length * length;
    const inputIds = new BigInt64Array(size).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(size);
    const tokenTypeIds = new BigInt64Array(size);
    rows.forEach((row, r) => {
      row.ids.forEach((id, t) => {
        inputIds[r * length + t] = BigInt(id);
        attentionMask[r * length + t] = 1n;
        tokenTypeIds[r * length + t] = BigInt(row.typeIds[t] ?? 0);
      });
    });
    return { length, inputIds, attentionMask, tokenTypeIds };
  }
}
