import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ENCODER } from '../../../src/providers/encoders/catalog.js';
import { OnnxEncoder } from '../../../src/providers/encoders/onnx.js';
import { OpenAICompatibleEncoder } from '../../../src/providers/encoders/openai-compatible.js';
import { builtInEncoders, createEncoder, resolveDimensions, resolveEncoderName, type EncoderSpec } from '../../../src/providers/encoders/registry.js';
import { StaticGloveEncoder } from '../../../src/providers/encoders/static-glove.js';
import { EncoderError } from '../../../src/providers/encoders/types.js';
import { removeTinyModelDirs, TINY_VOCAB, writeTinyModelDir } from './tiny-onnx.js';

afterAll(() => removeTinyModelDirs());

describe('encoder registry', () => {
  it('lists the built-in encoder under its honest name', () => {
    const [only, ...rest] = builtInEncoders();
    expect(rest).toHaveLength(0);
    expect(only).toBeInstanceOf(StaticGloveEncoder);
    expect(only?.name).toBe('quarry-static-glove-100d');
    expect(only?.dimensions).toBe(100);
  });

  it("resolves Vectara's boomerang-2023-q3 to the built-in encoder", async () => {
    expect(resolveEncoderName('boomerang-2023-q3')).toBe(BUILT_IN_ENCODER);
    expect(resolveEncoderName('my-encoder')).toBe('my-encoder');
    const enc = createEncoder({ type: 'builtin', name: 'boomerang-2023-q3' });
    expect(enc.name).toBe(BUILT_IN_ENCODER);
    const [a] = await enc.embed(['the cat sat on the mat'], 'query');
    const [b] = await createEncoder({ type: 'builtin', name: BUILT_IN_ENCODER }).embed(['the cat sat on the mat'], 'query');
    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
  }, 120_000);

  it('rejects unknown built-ins and unknown types', () => {
    expect(() => createEncoder({ type: 'builtin', name: 'gpt-embed-9000' })).toThrow(EncoderError);
    expect(() => createEncoder({ type: 'nope', name: 'x' } as unknown as EncoderSpec)).toThrow(/unknown encoder type/);
  });

  it('builds remote and ONNX encoders from stored descriptions without contacting anything', () => {
    const remote = createEncoder({
      type: 'openai-compatible',
      name: 'ollama',
      uri: 'http://127.0.0.1:9/v1/embeddings',
      model: 'nomic-embed-text',
      output_dimensions: 256,
      auth: { type: 'bearer', token: 't' },
    });
    expect(remote).toBeInstanceOf(OpenAICompatibleEncoder);
    expect(remote.name).toBe('ollama');
    expect(remote.dimensions).toBe(256);
    const onnx = createEncoder({ type: 'onnx', name: 'local-minilm', path: 'does/not/exist/yet' });
    expect(onnx).toBeInstanceOf(OnnxEncoder);
    expect(onnx.name).toBe('local-minilm');
  });

  it('resolves an unknown vector size with one probe', async () => {
    const onnx = createEncoder({ type: 'onnx', name: 'tiny', path: writeTinyModelDir(TINY_VOCAB.map((_, i) => [1, i, 2])) });
    expect(await resolveDimensions(onnx)).toBe(3);
    await onnx.close?.();

    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const input = (JSON.parse(raw) as { input: string[] }).input;
        res.end(JSON.stringify({ data: input.map((_, index) => ({ index, embedding: [1, 2, 3, 4, 5] })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const remote = createEncoder({ type: 'openai-compatible', name: 'r', uri: `http://127.0.0.1:${port}/v1/embeddings`, model: 'm' });
      expect(remote.dimensions).toBe(0);
      expect(await resolveDimensions(remote)).toBe(5);
      expect(remote.dimensions).toBe(5);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
