/**
 * Builds a tiny ONNX "transformer" and a WordPiece tokenizer.json in a temp directory, so the ONNX
 * encoder is tested fully offline with no downloaded model.
 *
 * The ONNX file is written with a ~40-line protobuf wire-format writer (only varints and
 * length-delimited fields are needed), which avoids a protobuf dependency. The graph is
 *   last_hidden_state = Gather(E, input_ids) * Unsqueeze(Cast(attention_mask, float), -1)
 * so the expected sentence vector is the L2-normalised mean of E's rows for the unmasked tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, floatTensor, int64Tensor, intAttr, msg, node, str, valueInfo, vint, FLOAT, INT64, type Field } from '../onnx-proto.js';

export interface TinyModelOptions {
  /** Also declare (and use) a token_type_ids input, as BERT exports do. */
  tokenTypeIds?: boolean;
}

/** The serialised ModelProto for an embedding table `table` (rows = vocabulary ids). */
export function tinyModelBytes(table: readonly (readonly number[])[], opts: TinyModelOptions = {}): Uint8Array {
  const dim = table[0]?.length ?? 0;
  const nodes: Field[] = [
    node('Gather', ['embeddings', 'input_ids'], ['gathered'], [intAttr('axis', 0)]),
    node('Cast', ['attention_mask'], ['mask_f'], [intAttr('to', FLOAT)]),
    node('Unsqueeze', ['mask_f', 'unsqueeze_axes'], ['mask_3d']),
  ];
  if (opts.tokenTypeIds) {
    // hidden = gathered * mask + 0 * token_type: uses the input without changing the result.
    nodes.push(node('Mul', ['gathered', 'mask_3d'], ['masked']));
    nodes.push(node('Cast', ['token_type_ids'], ['tt_f'], [intAttr('to', FLOAT)]));
    nodes.push(node('Unsqueeze', ['tt_f', 'unsqueeze_axes'], ['tt_3d']));
    nodes.push(node('Mul', ['tt_3d', 'zero'], ['tt_zero']));
    nodes.push(node('Add', ['masked', 'tt_zero'], ['last_hidden_state']));
  } else {
    nodes.push(node('Mul', ['gathered', 'mask_3d'], ['last_hidden_state']));
  }
  const graph = msg(7, [
    ...nodes,
    str(2, 'tiny_encoder'),
    floatTensor('embeddings', [table.length, dim], table.flat()),
    int64Tensor('unsqueeze_axes', [1], [-1]),
    ...(opts.tokenTypeIds ? [floatTensor('zero', [], [0])] : []),
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    ...(opts.tokenTypeIds ? [valueInfo(11, 'token_type_ids', INT64, ['batch', 'sequence'])] : []),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', dim]),
  ]);
  return concat([vint(1, 8), str(2, 'quarry-test'), graph, msg(8, [str(1, ''), vint(2, 13)])]);
}

/** Vocabulary of the tiny WordPiece tokenizer; ids are positions. */
export const TINY_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'cat', 'dog', 'money', 'bank', '##s', 'the'] as const;

/** A BERT-style tokenizer.json (WordPiece, lower-casing, [CLS] … [SEP]) over TINY_VOCAB. */
export function tinyTokenizerJson(): object {
  const vocab = Object.fromEntries(TINY_VOCAB.map((t, i) => [t, i]));
  const special = (content: string, id: number) => ({
    id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special('[PAD]', 0), special('[UNK]', 1), special('[CLS]', 2), special('[SEP]', 3)],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const written: string[] = [];

/** Removes every directory writeTinyModelDir made in this process (call from afterAll). */
export function removeTinyModelDirs(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes model.onnx + tokenizer.json (+ tokenizer_config.json) into a fresh temp directory. */
export function writeTinyModelDir(table: readonly (readonly number[])[], opts: TinyModelOptions & { maxLength?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-onnx-'));
  written.push(dir);
  writeFileSync(join(dir, 'model.onnx'), tinyModelBytes(table, opts));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ model_max_length: opts.maxLength ?? 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', do_lower_case: true }),
  );
  return dir;
}
