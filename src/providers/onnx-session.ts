/**
 * The model-directory loading shared by the ONNX encoder and the ONNX cross-encoder:
 *
 *   <dir>/model.onnx       a transformer export taking input_ids, attention_mask and optionally
 *                          token_type_ids
 *   <dir>/tokenizer.json   Hugging Face tokenizers format
 *
 * Checks that the directory and both files exist, loads the tokenizer, lets the caller derive what
 * it needs from the tokenizer (before the session is created, so tokenizer problems are reported
 * first), imports onnxruntime-node on first use and creates the CPU session, and rejects models
 * whose inputs are not a subset of those three. Each caller words its own errors through `fail`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { ModelTokenizer, type TokenBatch } from './encoders/onnx-tokenizer.js';

/** What went wrong while loading; `fail` turns it into the caller's own error. */
export type OnnxLoadProblem =
  | { kind: 'no-directory' }
  /** `file` is the bare name (model.onnx or tokenizer.json), `path` the full path. */
  | { kind: 'missing'; file: string; path: string }
  | { kind: 'tokenizer'; cause: unknown }
  | { kind: 'session'; cause: unknown }
  | { kind: 'inputs'; inputNames: readonly string[] };

export interface OnnxLoadOptions<T> {
  /** ONNX Runtime intra-op threads (default: its own choice, all cores). */
  threads?: number;
  /** Builds the error thrown for a problem (it may return the cause itself to rethrow it as is). */
  fail: (problem: OnnxLoadProblem) => Error;
  /** Runs once the tokenizer is loaded and before the session is created; its errors propagate as is. */
  prepare?: (tokenizer: ModelTokenizer) => T;
}

export interface OnnxModel<T> {
  ort: typeof Ort;
  session: Ort.InferenceSession;
  tokenizer: ModelTokenizer;
  /** What `prepare` returned (undefined without it). */
  prepared: T;
}

export const SUPPORTED_INPUTS: ReadonlySet<string> = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

export async function loadOnnxModel<T = undefined>(dir: string, options: OnnxLoadOptions<T>): Promise<OnnxModel<T>> {
  const { fail } = options;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw fail({ kind: 'no-directory' });
  const modelFile = join(dir, 'model.onnx');
  for (const file of ['model.onnx', 'tokenizer.json']) {
    const path = join(dir, file);
    if (!existsSync(path)) throw fail({ kind: 'missing', file, path });
  }
  let tokenizer: ModelTokenizer;
  try {
    tokenizer = await ModelTokenizer.load(dir);
  } catch (cause) {
    throw fail({ kind: 'tokenizer', cause });
  }
  const prepared = options.prepare?.(tokenizer) as T;
  const ort = await import('onnxruntime-node');
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelFile, {
      graphOptimizationLevel: 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  } catch (cause) {
    throw fail({ kind: 'session', cause });
  }
  const unsupported = session.inputNames.filter((n) => !SUPPORTED_INPUTS.has(n));
  if (unsupported.length || !session.inputNames.includes('input_ids')) {
    await session.release();
    throw fail({ kind: 'inputs', inputNames: session.inputNames });
  }
  return { ort, session, tokenizer, prepared };
}

/**
 * Runs one tokenised batch through a session: the model's own inputs are fed (of input_ids,
 * attention_mask, token_type_ids) and the named output returned. Inference failures come back
 * through `fail`, so each provider reports them in its own error type.
 */
export async function runBatch(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  batch: TokenBatch,
  rows: number,
  output: string,
  fail: (message: string) => Error,
): Promise<Ort.Tensor | undefined> {
  const shape = [rows, batch.length];
  const all: Record<string, Ort.Tensor> = {
    input_ids: new ort.Tensor('int64', batch.inputIds, shape),
    attention_mask: new ort.Tensor('int64', batch.attentionMask, shape),
    token_type_ids: new ort.Tensor('int64', batch.tokenTypeIds, shape),
  };
  const feeds = Object.fromEntries(session.inputNames.map((n) => [n, all[n] as Ort.Tensor]));
  try {
    return (await session.run(feeds))[output];
  } catch (err) {
    throw fail(`inference failed: ${(err as Error).message}`);
  }
}
