/**
 * The ONNX directory encoder against a tiny model and WordPiece tokenizer that tiny-onnx.ts writes
 * (no downloads), run by the real onnxruntime-node CPU build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxEncoder, type OnnxSpec } from '../../../src/providers/encoders/onnx.js';
import { EncoderError } from '../../../src/providers/encoders/types.js';
import { removeTinyModelDirs, TINY_VOCAB, writeTinyModelDir } from './tiny-onnx.js';

/** Row i of the embedding table: distinct, non-parallel 4-d vectors. */
const TABLE = TINY_VOCAB.map((_, i) => [1, i, (i * i) % 7, (i % 3) - 1]);
const id = (token: (typeof TINY_VOCAB)[number]): number => TINY_VOCAB.indexOf(token);

/** The expected unit vector: mean of the table rows for `tokens`, normalised. */
function expected(tokens: readonly (typeof TINY_VOCAB)[number][]): number[] {
  const sum = [0, 0, 0, 0];
  for (const t of tokens) TABLE[id(t)]?.forEach((x, d) => (sum[d] = (sum[d] ?? 0) + x / tokens.length));
  const n = Math.hypot(...sum);
  return sum.map((x) => x / n);
}
const closeTo = (actual: Float32Array | undefined, want: number[]) => {
  expect(actual).toBeDefined();
  expect(actual?.length).toBe(want.length);
  want.forEach((w, d) => expect(actual?.[d]).toBeCloseTo(w, 5));
};

const encoders: OnnxEncoder[] = [];
const make = (spec: Partial<OnnxSpec> & { path: string }) => {
  const enc = new OnnxEncoder({ name: 'tiny', ...spec }, { maxBatch: 2 });
  encoders.push(enc);
  return enc;
};
afterAll(async () => {
  for (const e of encoders) await e.close();
  removeTinyModelDirs();
});

describe('OnnxEncoder', () => {
  const dir = writeTinyModelDir(TABLE);

  it('tokenizes with WordPiece, mean-pools under the mask and normalises', async () => {
    const enc = make({ path: dir });
    expect(enc.dimensions).toBe(0);
    const [v] = await enc.embed(['Cat DOGS'], 'document');
    closeTo(v, expected(['[CLS]', 'cat', 'dog', '##s', '[SEP]']));
    expect(enc.dimensions).toBe(4);
  });

  it('gives the same vectors batched with padding as one by one, in input order', async () => {
    const enc = make({ path: dir });
    const texts = ['the dog money bank cats', 'cat', 'money', 'the bank of zzz', 'dogs dogs'];
    const together = await enc.embed(texts, 'document');
    for (const [i, t] of texts.entries()) {
      const [alone] = await enc.embed([t], 'document');
      closeTo(together[i], Array.from(alone ?? []));
    }
    closeTo(together[3], expected(['[CLS]', 'the', 'bank', '[UNK]', '[UNK]', '[SEP]']));
  });

  it('feeds token_type_ids to models that declare it', async () => {
    const enc = make({ path: writeTinyModelDir(TABLE, { tokenTypeIds: true }) });
    const [v] = await enc.embed(['money bank'], 'query');
    closeTo(v, expected(['[CLS]', 'money', 'bank', '[SEP]']));
  });

  it('truncates to the model length, keeping the final special token', async () => {
    const enc = make({ path: writeTinyModelDir(TABLE, { maxLength: 4 }) });
    const [v] = await enc.embed(['cat dog money bank the'], 'document');
    closeTo(v, expected(['[CLS]', 'cat', 'dog', '[SEP]']));
  });

  it('uses CLS pooling when asked or when 1_Pooling/config.json says so', async () => {
    const [a] = await make({ path: dir, pooling: 'cls' }).embed(['cat dog'], 'document');
    closeTo(a, expected(['[CLS]']));
    const st = writeTinyModelDir(TABLE);
    mkdirSync(join(st, '1_Pooling'));
    writeFileSync(join(st, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    const [b] = await make({ path: st }).embed(['cat dog'], 'document');
    closeTo(b, expected(['[CLS]']));
  });

  it('adds per-kind prefixes for asymmetric models', async () => {
    const enc = make({ path: dir, query_prefix: 'money ', document_prefix: 'bank ' });
    const [q] = await enc.embed(['cat'], 'query');
    const [d] = await enc.embed(['cat'], 'document');
    closeTo(q, expected(['[CLS]', 'money', 'cat', '[SEP]']));
    closeTo(d, expected(['[CLS]', 'bank', 'cat', '[SEP]']));
  });

  it('reports missing files and a corrupt model as EncoderError, and retries the load', async () => {
    const empty = writeTinyModelDir(TABLE);
    writeFileSync(join(empty, 'model.onnx'), 'definitely not protobuf');
    const enc = make({ path: empty });
    await expect(enc.embed(['cat'], 'query')).rejects.toBeInstanceOf(EncoderError);
    writeFileSync(join(empty, 'model.onnx'), Buffer.from(await import('./tiny-onnx.js').then((m) => m.tinyModelBytes(TABLE))));
    closeTo((await enc.embed(['cat'], 'query'))[0], expected(['[CLS]', 'cat', '[SEP]']));

    await expect(make({ path: join(dir, 'nope') }).embed(['cat'], 'query')).rejects.toThrow(/missing .*model\.onnx/);
  });

  it('can be closed and used again', async () => {
    const enc = make({ path: dir });
    await enc.embed(['cat'], 'query');
    await enc.close();
    closeTo((await enc.embed(['dog'], 'query'))[0], expected(['[CLS]', 'dog', '[SEP]']));
  });
});
