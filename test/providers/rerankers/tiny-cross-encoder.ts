/**
 * A tiny, real, pair-aware ONNX cross-encoder and its tokenizer.json, written into temp
 * directories (no downloads). See onnx-cross-encoder.test.ts for what its logit computes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_VOCAB, tinyTokenizerJson } from '../encoders/tiny-onnx.js';
import { bytes, concat, floatTensor, int64Tensor, intAttr, msg, node, str, valueInfo, vint, FLOAT, INT64, type Field } from '../onnx-proto.js';

export type Token = (typeof TINY_VOCAB)[number];
export const id = (token: Token): number => TINY_VOCAB.indexOf(token);
export const SPECIAL: readonly Token[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

export interface CrossModelOptions {
  /** Segments come from a token_type_ids input (BERT); otherwise from counting [SEP]s. Default true. */
  tokenTypeIds?: boolean;
  /** 2: emit [batch, 2] logits. Default 1. */
  logits?: 1 | 2;
  /** Output name (default "logits"). */
  output?: string;
}

/** The serialised ModelProto of the shared-token-count cross-encoder described above. */
export function crossModelBytes(opts: CrossModelOptions = {}): Uint8Array {
  const tt = opts.tokenTypeIds ?? true;
  const classes = opts.logits ?? 1;
  const output = opts.output ?? 'logits';
  const v = TINY_VOCAB.length;
  const table = TINY_VOCAB.flatMap((t, i) => TINY_VOCAB.map((_, j) => (i === j && !SPECIAL.includes(t) ? 1 : 0)));
  const nodes: Field[] = [
    node('Gather', ['onehot_table', 'input_ids'], ['onehot'], [intAttr('axis', 0)]),
    node('Cast', ['attention_mask'], ['mask'], [intAttr('to', FLOAT)]),
  ];
  if (tt) {
    nodes.push(node('Cast', ['token_type_ids'], ['seg'], [intAttr('to', FLOAT)]));
  } else {
    nodes.push(
      node('Equal', ['input_ids', 'sep_id'], ['is_sep']),
      node('Cast', ['is_sep'], ['is_sep_f'], [intAttr('to', FLOAT)]),
      node('CumSum', ['is_sep_f', 'axis_tokens'], ['seps_so_far']),
      node('Sub', ['seps_so_far', 'is_sep_f'], ['seps_before']),
      node('Min', ['seps_before', 'one'], ['seg']),
    );
  }
  nodes.push(
    node('Mul', ['mask', 'seg'], ['p_mask']),
    node('Sub', ['mask', 'p_mask'], ['q_mask']),
    node('Unsqueeze', ['p_mask', 'axes_last'], ['p_mask3']),
    node('Unsqueeze', ['q_mask', 'axes_last'], ['q_mask3']),
    node('Mul', ['onehot', 'p_mask3'], ['p_onehot']),
    node('Mul', ['onehot', 'q_mask3'], ['q_onehot']),
    node('ReduceSum', ['p_onehot', 'axes_1'], ['p_bag'], [intAttr('keepdims', 0)]),
    node('ReduceSum', ['q_onehot', 'axes_1'], ['q_bag'], [intAttr('keepdims', 0)]),
    node('Min', ['q_bag', 'p_bag'], ['common']),
    node('ReduceSum', ['common', 'axes_1'], ['shared'], [intAttr('keepdims', 1)]),
  );
  if (classes === 1) nodes.push(node('Sub', ['shared', 'one'], [output]));
  else nodes.push(node('Mul', ['shared', 'w2'], ['scaled']), node('Add', ['scaled', 'b2'], [output]));
  const graph = msg(7, [
    ...nodes,
    str(2, 'tiny_cross_encoder'),
    floatTensor('onehot_table', [v, v], table),
    int64Tensor('axes_last', [1], [-1]),
    int64Tensor('axes_1', [1], [1]),
    ...(classes === 1 || !tt ? [floatTensor('one', [], [1])] : []),
    ...(tt ? [] : [int64Tensor('axis_tokens', [], [1]), int64Tensor('sep_id', [], [id('[SEP]')])]),
    ...(classes === 2 ? [floatTensor('w2', [1, 2], [-1, 1]), floatTensor('b2', [1, 2], [0.5, -0.5])] : []),
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    ...(tt ? [valueInfo(11, 'token_type_ids', INT64, ['batch', 'sequence'])] : []),
    valueInfo(12, output, FLOAT, ['batch', classes]),
  ]);
  return concat([vint(1, 8), str(2, 'quarry-test'), graph, msg(8, [str(1, ''), vint(2, 13)])]);
}

/** tiny-onnx's BERT tokenizer.json with a pair template: [CLS] A [SEP] B [SEP], type ids 0…0 1…1. */
export function bertPairTokenizer(): object {
  const base = tinyTokenizerJson() as { post_processor: Record<string, unknown> };
  return {
    ...base,
    post_processor: {
      ...base.post_processor,
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
    },
  };
}
/** The same vocabulary with RoBERTa's layout: [CLS] A [SEP] [SEP] B [SEP]. */
export function robertaPairTokenizer(): object {
  return {
    ...tinyTokenizerJson(),
    post_processor: { type: 'RobertaProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')], trim_offsets: true, add_prefix_space: false },
  };
}

const dirs: string[] = [];

/** Writes a model directory (model.onnx, tokenizer.json) into a fresh temp directory. */
export function writeModelDir(opts: CrossModelOptions & { tokenizer?: object } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-xenc-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'model.onnx'), crossModelBytes(opts));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(opts.tokenizer ?? bertPairTokenizer()));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512, pad_token: '[PAD]', do_lower_case: true }));
  return dir;
}

/** Removes every directory writeModelDir made. */
export function removeModelDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

