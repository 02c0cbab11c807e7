import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { removeModelDirs, writeModelDir } from '../providers/rerankers/tiny-cross-encoder.js';
import { createCorpus, expectError, expectOk, type Client } from './support.js';

/**
 * A local ONNX pair classifier configured by the operator scores factual consistency: by its name
 * and as Vectara's `hhem_v2.3`, and for generated answers. The tiny test model's logit is the
 * number of vocabulary words (cat, dog, money, bank, the, -s) the two texts share, minus 1.
 */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('a configured ONNX factual-consistency model', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    const model = writeModelDir();
    server = await startTestApp({
      onnx_consistency_models: [
        { name: 'tiny-hhem', path: model },
        { name: 'broken-hhem', path: join(model, 'missing') },
      ],
    });
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    expectOk(await owner.post('/v2/corpora/kb/documents', { type: 'core', id: 'd', document_parts: [{ text: 'The dog.' }] }), 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
    removeModelDirs();
  });

  const evaluate = (model_name?: string) =>
    owner.post('/v2/evaluate_factual_consistency', {
      generated_text: 'The cat and the dog and the money are here.',
      source_texts: ['cat dog money'],
      ...(model_name ? { model_parameters: { model_name } } : {}),
    });

  it('scores with the model by its name, by default and as hhem_v2.3', async () => {
    for (const name of ['tiny-hhem', 'hhem_v2.3', undefined]) {
      const res = await evaluate(name);
      expectOk(res, 'evaluateFactualConsistency', 200);
      expect(res.body.score).toBeCloseTo(sigmoid(3 - 1), 5);
    }
    const builtin = await evaluate('quarry-lexical-consistency');
    expectOk(builtin, 'evaluateFactualConsistency', 200);
    expect(builtin.body.score).not.toBeCloseTo(sigmoid(2), 3);
  });

  it('scores generated answers with it', async () => {
    const res = await owner.post('/v2/corpora/kb/query', { query: 'dog', search: { lexical_interpolation: 1 }, generation: { citations: { style: 'none' } } });
    expectOk(res, 'queryCorpus', 200);
    expect(res.body.summary).toBe('The dog.');
    const same = await owner.post('/v2/evaluate_factual_consistency', { generated_text: res.body.summary, source_texts: ['The dog.'], model_parameters: { model_name: 'tiny-hhem' } });
    const builtin = await owner.post('/v2/evaluate_factual_consistency', { generated_text: res.body.summary, source_texts: ['The dog.'], model_parameters: { model_name: 'quarry-lexical-consistency' } });
    expect(res.body.factual_consistency_score).toBeCloseTo(same.body.score, 6);
    expect(res.body.factual_consistency_score).not.toBeCloseTo(builtin.body.score, 3);
  });

  it('answers 503 naming a model whose directory is broken', async () => {
    const res = await evaluate('broken-hhem');
    expectError(res, 503);
    expect(res.body.messages[0]).toMatch(/broken-hhem/);
  });
});
