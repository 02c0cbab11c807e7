/**
 * The ONNX cross-encoder against a tiny, real, pair-aware ONNX model and a WordPiece tokenizer.json
 * written into temp directories here (no downloads), run by the real onnxruntime-node CPU build.
 *
 * The model's logit is the number of content tokens the query and passage segments share (multiset
 * intersection of their token ids, special and unknown tokens excluded), minus 1:
 *
 *   onehot   = Gather(E, input_ids)                      E = identity with [PAD] [UNK] [CLS] [SEP] rows zeroed
 *   seg      = Cast(token_type_ids)                     (or, for models without that input,
 *                                                        min(CumSum(input_ids == [SEP]) - is_sep, 1))
 *   P        = ReduceSum(onehot * mask * seg, tokens)    passage bag of words   [batch, vocab]
 *   Q        = ReduceSum(onehot * mask * (1 - seg), tokens)  query bag of words
 *   logits   = ReduceSum(Min(Q, P), vocab) - 1           [batch, 1]
 *
 * and the two-logit variant emits [-s + 0.5, s - 0.5], whose last-class softmax is sigmoid(2s - 1).
 * So the expected score of every pair is known exactly, and a wrong segment split (missing or wrong
 * token_type_ids, a lost [SEP]) changes it.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelTokenizer } from '../../../src/providers/encoders/onnx-tokenizer.js';
import {
  type CrossEncoder,
  type CrossEncoderSpec,
  createOnnxCrossEncoder,
  PairEncoder,
} from '../../../src/providers/rerankers/onnx-cross-encoder.js';
import { TINY_VOCAB, tinyTokenizerJson } from '../encoders/tiny-onnx.js';
import { bertPairTokenizer, crossModelBytes, id, removeModelDirs, robertaPairTokenizer, SPECIAL, writeModelDir, type Token } from './tiny-cross-encoder.js';

const encoders: CrossEncoder[] = [];
function make(spec: Partial<CrossEncoderSpec> & { path: string }, maxBatch?: number): CrossEncoder {
  const enc = createOnnxCrossEncoder({ name: 'tiny-xenc', ...spec }, maxBatch ? { maxBatch } : {});
  encoders.push(enc);
  return enc;
}
afterAll(async () => {
  for (const e of encoders) await e.close();
  removeModelDirs();
});

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** Expected single-logit score for `shared` common content tokens. */
const single = (shared: number): number => sigmoid(shared - 1);

const WORDS = ['cat', 'dog', 'money', 'bank', 'the', 'cats', 'zebra'] as const;

describe('createOnnxCrossEncoder', () => {
  const bert = writeModelDir();

  it('scores each passage, in order, higher for more words shared with the query', async () => {
    const enc = make({ path: bert });
    expect(enc.name).toBe('tiny-xenc');
    const scores = await enc.score('cat dog money', ['cat bank', 'the cat DOG', 'bank the zebra', 'money dog cat cat']);
    expect(scores).toHaveLength(4);
    [1, 2, 0, 3].forEach((shared, i) => expect(scores[i]).toBeCloseTo(single(shared), 6));
    expect(scores[3]).toBeGreaterThan(scores[1] ?? 1);
    expect(scores[1]).toBeGreaterThan(scores[0] ?? 1);
    expect(scores[0]).toBeGreaterThan(scores[2] ?? 1);
    for (const s of scores) expect(s > 0 && s < 1).toBe(true);
    // Word pieces and unknown words: "cats" = cat ##s; [UNK] is never counted as shared.
    expect(await enc.score('cats zebra', ['cats zebra', 'zebra'])).toEqual([expect.closeTo(single(2), 6), expect.closeTo(single(0), 6)]);
    expect(await enc.score('cat', [])).toEqual([]);
  });

  it('gives the same scores batched (> 16 passages, padded) as one by one', async () => {
    const enc = make({ path: bert });
    const passages = Array.from({ length: 41 }, (_, i) =>
      Array.from({ length: 1 + ((i * 7) % 9) }, (_, k) => WORDS[(i * 3 + k * k) % WORDS.length]).join(' '),
    );
    const query = 'the cat and the money';
    const together = await enc.score(query, passages);
    expect(together).toHaveLength(passages.length);
    for (const [i, p] of passages.entries()) {
      const [alone] = await enc.score(query, [p]);
      expect(together[i]).toBeCloseTo(alone ?? Number.NaN, 6);
    }
    expect(new Set(together.map((s) => s.toFixed(6))).size).toBeGreaterThan(1);
    // A smaller batch size changes nothing either.
    expect(await make({ path: bert }, 3).score(query, passages)).toEqual(together.map((s) => expect.closeTo(s, 6)));
  });

  it('feeds token_type_ids (0 for the query, 1 for the passage) to a model that declares them', async () => {
    // The bert model reads its segments only from token_type_ids: all-zero or missing ids would
    // make every passage token count as query and every score single(0).
    const [s] = await make({ path: bert }).score('money bank', ['bank money the']);
    expect(s).toBeCloseTo(single(2), 6);
  });

  it('feeds only the declared inputs to a model without token_type_ids (RoBERTa-style pair layout too)', async () => {
    const noTypes = await make({ path: writeModelDir({ tokenTypeIds: false }) }).score('cat dog', ['dog cat', 'bank']);
    expect(noTypes).toEqual([expect.closeTo(single(2), 6), expect.closeTo(single(0), 6)]);
    const roberta = await make({ path: writeModelDir({ tokenTypeIds: false, tokenizer: robertaPairTokenizer() }) }).score('cat dog', ['dog cat', 'bank']);
    expect(roberta).toEqual(noTypes);
  });

  it('uses the softmax probability of the last class for a two-logit model', async () => {
    const enc = make({ path: writeModelDir({ logits: 2 }) });
    const scores = await enc.score('cat dog money', ['bank', 'cat', 'dog cat money']);
    // logits [-s + 0.5, s - 0.5] → softmax(last) = sigmoid(2s - 1), unlike the single-logit sigmoid(s - 1).
    [0, 1, 3].forEach((shared, i) => expect(scores[i]).toBeCloseTo(sigmoid(2 * shared - 1), 6));
    expect(scores[1]).not.toBeCloseTo(single(1), 3);
  });

  it('falls back to the first output when none is named logits', async () => {
    const [s] = await make({ path: writeModelDir({ output: 'scores' }) }).score('cat', ['cat']);
    expect(s).toBeCloseTo(single(1), 6);
  });

  it('truncates the passage first to max_length, keeping the closing [SEP]', async () => {
    // max 8 = [CLS] q [SEP] p [SEP]: 5 content tokens. Query "cat" keeps 1, the passage 4.
    const enc = make({ path: bert, max_length: 8 });
    const scores = await enc.score('cat', ['money bank the the cat', 'cat money bank the the', 'money bank the cat']);
    expect(scores).toEqual([expect.closeTo(single(0), 6), expect.closeTo(single(1), 6), expect.closeTo(single(1), 6)]);
    // The [SEP]-counting model sees the same split.
    const noTypes = make({ path: writeModelDir({ tokenTypeIds: false }), max_length: 8 });
    expect(await noTypes.score('cat', ['money bank the the cat', 'cat money bank the the'])).toEqual(scores.slice(0, 2));
  });

  it('encodes pairs with the tokenizer template, truncating content before adding the special tokens', async () => {
    const tokenizer = await ModelTokenizer.load(bert);
    const ids = (...tokens: Token[]) => tokens.map(id);
    const full = new PairEncoder(tokenizer, 512).encode('Cat money', 'the dogs');
    expect(full).toEqual({ ids: ids('[CLS]', 'cat', 'money', '[SEP]', 'the', 'dog', '##s', '[SEP]'), typeIds: [0, 0, 0, 0, 1, 1, 1, 1] });
    // 7 tokens: room 4 → the passage keeps 4 - 2 = 2 tokens; the closing [SEP] survives.
    expect(new PairEncoder(tokenizer, 7).encode('cat money', 'the dogs bank')).toEqual({
      ids: ids('[CLS]', 'cat', 'money', '[SEP]', 'the', 'dog', '[SEP]'),
      typeIds: [0, 0, 0, 0, 1, 1, 1],
    });
    const roberta = await ModelTokenizer.load(writeModelDir({ tokenizer: robertaPairTokenizer() }));
    expect(new PairEncoder(roberta, 512).encode('cat', '')).toEqual({ ids: ids('[CLS]', 'cat', '[SEP]', '[SEP]', '[SEP]'), typeIds: [0, 0, 0, 1, 1] });
  });

  it('cuts a query that would leave the passage less than half the room', async () => {
    // 7 query tokens, room 5: the passage keeps its 1 token, the query its first 4.
    const enc = make({ path: bert, max_length: 8 });
    const scores = await enc.score('money bank the the the the cat', ['cat', 'bank']);
    expect(scores).toEqual([expect.closeTo(single(0), 6), expect.closeTo(single(1), 6)]);
    // Room 9 with 20 query tokens: the passage keeps 4 (half), the query 5.
    const wide = make({ path: bert, max_length: 12 });
    const query = 'money bank the cat dog ' + 'the '.repeat(15);
    expect(await wide.score(query, ['dog zebra zebra zebra', 'zebra zebra zebra zebra dog'])).toEqual([
      expect.closeTo(single(1), 6),
      expect.closeTo(single(0), 6),
    ]);
  });

  it('reports a missing directory or model file with the directory and the problem', async () => {
    const nowhere = join(bert, 'nope');
    await expect(make({ path: nowhere }).score('cat', ['cat'])).rejects.toThrow(
      new RegExp(`"tiny-xenc" \\(${escape(nowhere)}\\): model directory does not exist`),
    );
    const noModel = writeModelDir();
    unlinkSync(join(noModel, 'model.onnx'));
    const err = await make({ path: noModel }).score('cat', ['cat']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('CrossEncoderError');
    expect((err as Error).message).toMatch(new RegExp(`${escape(noModel)}.*missing model\\.onnx`));
    const noTokenizer = writeModelDir();
    unlinkSync(join(noTokenizer, 'tokenizer.json'));
    await expect(make({ path: noTokenizer }).score('cat', ['cat'])).rejects.toThrow(/missing tokenizer\.json/);
  });

  it('reports a corrupt model or a tokenizer without a pair template, and retries the load', async () => {
    const dir = writeModelDir();
    writeFileSync(join(dir, 'model.onnx'), 'definitely not protobuf');
    const enc = make({ path: dir });
    await expect(enc.score('cat', ['cat'])).rejects.toThrow(new RegExp(`${escape(dir)}\\): cannot load model\\.onnx`));
    writeFileSync(join(dir, 'model.onnx'), crossModelBytes());
    expect(await enc.score('cat', ['cat'])).toEqual([expect.closeTo(single(1), 6)]);

    const noPair = make({ path: writeModelDir({ tokenizer: tinyTokenizerJson() }) });
    await expect(noPair.score('cat', ['cat'])).rejects.toThrow(/no sentence-pair template/);
  });

  it('can be closed and used again', async () => {
    const enc = make({ path: bert });
    await enc.score('cat', ['cat']);
    await enc.close();
    expect(await enc.score('dog', ['dog', 'cat'])).toEqual([expect.closeTo(single(1), 6), expect.closeTo(single(0), 6)]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
