import { afterAll, describe, expect, it } from 'vitest';
import { client, startTestApp } from '../helpers/app.js';
import { removeTinyModelDirs, writeTinyModelDir } from '../providers/encoders/tiny-onnx.js';

afterAll(() => removeTinyModelDirs());

/** A 4-dimensional embedding per token of the tiny vocabulary (see tiny-onnx.ts). */
const TABLE = [
  [0, 0, 0, 0], [0.1, 0.1, 0.1, 0.1], [0, 0, 0, 0.2], [0, 0, 0.2, 0],
  [1, 0, 0, 0], [0.9, 0.1, 0, 0], [0, 1, 0, 0], [0, 0.9, 0.1, 0], [0, 0, 0, 0.1], [0.1, 0, 0, 0],
];

describe('a local ONNX model directory named in the configuration', () => {
  it('is listed as an encoder, and corpora index through it offline', async () => {
    const dir = writeTinyModelDir(TABLE);
    const server = await startTestApp({ onnx_encoders: [{ name: 'tiny-onnx', path: dir }] });
    try {
      const api = client(server.app, server.ownerKey);
      const listed = await api.get('/v2/encoders');
      expect(listed.body.encoders.map((e: { name: string }) => e.name)).toContain('tiny-onnx');
      expect((await api.post('/v2/corpora', { key: 'pets', encoder_name: 'tiny-onnx' })).status).toBe(201);
      const doc = await api.post('/v2/corpora/pets/documents', {
        id: 'a',
        type: 'core',
        document_parts: [{ text: 'the cat' }, { text: 'the dogs' }],
      });
      expect(doc.status).toBe(201);
      expect((await api.get('/v2/corpora/pets/documents/a')).body.parts).toHaveLength(2);
      expect((await api.get('/v2/corpora/pets')).body.limits.used_parts).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('a model directory that is missing fails indexing with a clear error, not a crash', async () => {
    const server = await startTestApp({ onnx_encoders: [{ name: 'gone', path: '/nonexistent/model-dir' }] });
    try {
      const api = client(server.app, server.ownerKey);
      await api.post('/v2/corpora', { key: 'c', encoder_name: 'gone' });
      const res = await api.post('/v2/corpora/c/documents', { id: 'a', type: 'core', document_parts: [{ text: 'the cat' }] });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).not.toBe(500);
      expect(res.body.messages[0]).toMatch(/encoder/i);
      expect((await api.get('/v2/corpora/c')).body.limits.used_docs).toBe(0);
    } finally {
      await server.close();
    }
  });
});
