/**
 * Writes a tiny but valid GGUF v3 file of a `llama`-architecture model (338 tokens, 64-wide
 * embeddings, 2 blocks, 2 heads, F32 weights from a seeded generator, ~0.5 MB), so the GGUF LLM
 * tests run llama.cpp for real with no downloaded model.
 *
 * Its text is nonsense, but shaped so tests can rely on the mechanics: the output rows of every
 * token that is not a word piece (`<unk>`, `<s>`, `</s>`, the byte tokens, the chat markers) are
 * zero while word-piece logits are large, so the model practically never ends a reply early or
 * writes stray bytes, and greedy decoding always runs up to its token budget.
 *
 * Layout (the GGUF specification, ggml docs/gguf.md): header (magic, version 3, tensor and
 * key-value counts), key-values, tensor infos, padding to `general.alignment`, tensor data (each
 * tensor at an aligned offset). Little-endian throughout; dimensions are listed innermost first.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from '../../bench/prng.js';

// ---- GGUF encoding ----
const ALIGNMENT = 32;
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
const GGML_TYPE_F32 = 0;

type Value =
  | { u32: number }
  | { f32: number }
  | { bool: boolean }
  | { str: string }
  | { strs: readonly string[] }
  | { f32s: readonly number[] }
  | { i32s: readonly number[] };

class ByteWriter {
  private readonly parts: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void {
    this.parts.push(buf);
    this.length += buf.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeValue(w: ByteWriter, v: Value): void {
  if ('u32' in v) {
    w.u32(T.UINT32);
    w.u32(v.u32);
  } else if ('f32' in v) {
    w.u32(T.FLOAT32);
    w.f32(v.f32);
  } else if ('bool' in v) {
    w.u32(T.BOOL);
    w.push(Buffer.from([v.bool ? 1 : 0]));
  } else if ('str' in v) {
    w.u32(T.STRING);
    w.str(v.str);
  } else if ('strs' in v) {
    writeArrayHead(w, T.STRING, v.strs.length);
    v.strs.forEach((s) => w.str(s));
  } else if ('f32s' in v) {
    writeArrayHead(w, T.FLOAT32, v.f32s.length);
    v.f32s.forEach((x) => w.f32(x));
  } else {
    writeArrayHead(w, T.INT32, v.i32s.length);
    v.i32s.forEach((x) => w.i32(x));
  }
}

function writeArrayHead(w: ByteWriter, elementType: number, length: number): void {
  w.u32(T.ARRAY);
  w.u32(elementType);
  w.u64(length);
}

interface Tensor {
  name: string;
  /** Innermost (contiguous) dimension first, as GGUF lists them. */
  dims: readonly number[];
  data: Float32Array;
}

/** A complete GGUF v3 file; `general.alignment` is added to the metadata. */
export function encodeGguf(metadata: Record<string, Value>, tensors: readonly Tensor[]): Buffer {
  const kv: [string, Value][] = [...Object.entries(metadata), ['general.alignment', { u32: ALIGNMENT }]];
  const w = new ByteWriter();
  w.push(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kv.length);
  for (const [key, value] of kv) {
    w.str(key);
    writeValue(w, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    offsets.push(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  tensors.forEach((t, i) => {
    w.str(t.name);
    w.u32(t.dims.length);
    t.dims.forEach((d) => w.u64(d));
    w.u32(GGML_TYPE_F32);
    w.u64(offsets[i]!);
  });
  w.padTo(ALIGNMENT);
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.padTo(ALIGNMENT);
  }
  return w.bytes();
}

// ---- the tiny llama model ----
const N_EMBD = 64;
const N_HEAD = 2;
const N_FF = 128;
const N_BLOCKS = 2;
const CONTEXT_LENGTH = 512;

/** SentencePiece token types (llama.cpp's llama_token_type). */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

const WORDS = ['the', 'answer', 'question', 'sky', 'blue', 'search', 'result', 'lisbon', 'today', 'and', 'is', 'of'];
/** ChatML markers, so a ChatML chat template renders with real control tokens. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** Word pieces: the only tokens the model is meant to produce. */
  wordPieces: Set<number>;
}

function buildVocab(): Vocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const wordPieces = new Set<number>();
  const add = (token: string, type: number, score = 0) => {
    if (tokens.includes(token)) return;
    if (type === NORMAL) wordPieces.add(tokens.length);
    tokens.push(token);
    scores.push(score);
    types.push(type);
  };
  add('<unk>', UNKNOWN);
  add('<s>', CONTROL);
  add('</s>', CONTROL);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, BYTE);
  add('<|im_start|>', CONTROL);
  add('<|im_end|>', CONTROL);
  // SentencePiece merges two adjacent pieces only when their concatenation is a token, so every
  // prefix of a word piece is a token too; longer pieces score higher, so they win the merges.
  add('▁', NORMAL, -1);
  for (const c of 'abcdefghijklmnopqrstuvwxyz') add(c, NORMAL, -2);
  for (const word of WORDS) {
    const piece = `▁${word}`;
    for (let end = 2; end <= piece.length; end++) add(piece.slice(0, end), NORMAL, end - 10);
  }
  return { tokens, scores, types, wordPieces };
}


export interface TinyGgufOptions {
  /** A Jinja chat template stored as `tokenizer.chat_template`; none by default. */
  chatTemplate?: string;
  /** Seed of the weights (default 1). */
  seed?: number;
  /** Directory of the file (default: a new temporary directory). */
  dir?: string;
}

/** Writes the tiny model and returns the path of the `.gguf` file. */
export function writeTinyGguf(options: TinyGgufOptions = {}): string {
  const vocab = buildVocab();
  const nVocab = vocab.tokens.length;
  const rand = prng(options.seed ?? 1);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);

  const output = uniform(N_EMBD * nVocab, 2);
  for (let token = 0; token < nVocab; token++) {
    if (!vocab.wordPieces.has(token)) output.fill(0, token * N_EMBD, (token + 1) * N_EMBD);
  }
  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [N_EMBD, nVocab], data: uniform(N_EMBD * nVocab, 1) },
    { name: 'output_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'output.weight', dims: [N_EMBD, nVocab], data: output },
  ];
  const proj = 1 / Math.sqrt(N_EMBD);
  for (let b = 0; b < N_BLOCKS; b++) {
    const blk = `blk.${b}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, dims: [N_EMBD], data: ones(N_EMBD) },
      { name: `${blk}.attn_q.weight`, dims: [N_EMBD, N_EMBD], data: uniform(N_EMBD * N_EMBD, proj) },
      { name: `${blk}.attn_k.weight`, dims: [N_EMBD, N_EMBD], data: uniform(N_EMBD * N_EMBD, proj) },
      { name: `${blk}.attn_v.weight`, dims: [N_EMBD, N_EMBD], data: uniform(N_EMBD * N_EMBD, proj) },
      { name: `${blk}.attn_output.weight`, dims: [N_EMBD, N_EMBD], data: uniform(N_EMBD * N_EMBD, proj) },
      { name: `${blk}.ffn_norm.weight`, dims: [N_EMBD], data: ones(N_EMBD) },
      { name: `${blk}.ffn_gate.weight`, dims: [N_EMBD, N_FF], data: uniform(N_EMBD * N_FF, proj) },
      { name: `${blk}.ffn_up.weight`, dims: [N_EMBD, N_FF], data: uniform(N_EMBD * N_FF, proj) },
      { name: `${blk}.ffn_down.weight`, dims: [N_FF, N_EMBD], data: uniform(N_FF * N_EMBD, 1 / Math.sqrt(N_FF)) },
    );
  }

  const metadata: Record<string, Value> = {
    'general.architecture': { str: 'llama' },
    'general.name': { str: 'Quarry Tiny Test Model' },
    'general.file_type': { u32: 0 }, // all F32
    'llama.vocab_size': { u32: nVocab },
    'llama.context_length': { u32: CONTEXT_LENGTH },
    'llama.embedding_length': { u32: N_EMBD },
    'llama.block_count': { u32: N_BLOCKS },
    'llama.feed_forward_length': { u32: N_FF },
    'llama.attention.head_count': { u32: N_HEAD },
    'llama.attention.head_count_kv': { u32: N_HEAD },
    'llama.rope.dimension_count': { u32: N_EMBD / N_HEAD },
    'llama.attention.layer_norm_rms_epsilon': { f32: 1e-5 },
    'tokenizer.ggml.model': { str: 'llama' },
    'tokenizer.ggml.tokens': { strs: vocab.tokens },
    'tokenizer.ggml.scores': { f32s: vocab.scores },
    'tokenizer.ggml.token_type': { i32s: vocab.types },
    'tokenizer.ggml.unknown_token_id': { u32: 0 },
    'tokenizer.ggml.bos_token_id': { u32: 1 },
    'tokenizer.ggml.eos_token_id': { u32: 2 },
    'tokenizer.ggml.add_bos_token': { bool: true },
    'tokenizer.ggml.add_eos_token': { bool: false },
    ...(options.chatTemplate ? { 'tokenizer.chat_template': { str: options.chatTemplate } } : {}),
  };

  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'quarry-gguf-'));
  const path = join(dir, 'tiny.gguf');
  writeFileSync(path, encodeGguf(metadata, tensors));
  return path;
}
