/**
 * The ONNX consistency scorer against the tiny pair-aware model the re-ranker tests build (its
 * logit is the number of content tokens the two segments share, minus 1), run by the real
 * onnxruntime-node: the premise (sources) and the hypothesis (generated) land in the two segments,
 * scores stay inside (0, 1), and load failures name the model directory.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxConsistencyScorer } from '../../../src/providers/consistency/onnx-consistency.js';
import { removeModelDirs, writeModelDir } from '../rerankers/tiny-cross-encoder.js';

const scorers: OnnxConsistencyScorer[] = [];
function make(path: string): OnnxConsistencyScorer {
  const s = new OnnxConsistencyScorer({ name: 'tiny-hhem', path });
  scorers.push(s);
  return s;
}
afterAll(async () => {
  for (const s of scorers) await s.close();
  removeModelDirs();
});

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('OnnxConsistencyScorer', () => {
  it('scores the generated text against the sources joined, as a sentence pair', async () => {
    const scorer = make(writeModelDir());
    expect(scorer.name).toBe('tiny-hhem');
    // Shared content tokens between premise "cat dog" + "money" and hypothesis "cat money": 2.
    expect(await scorer.score('cat money', ['cat dog', 'money'])).toBeCloseTo(sigmoid(2 - 1), 6);
    // Nothing shared: sigmoid(-1).
    expect(await scorer.score('zebra bank', ['cat dog'])).toBeCloseTo(sigmoid(-1), 6);
    // More support, higher score.
    expect(await scorer.score('cat dog money', ['cat dog money'])).toBeGreaterThan(await scorer.score('cat bank', ['cat dog money']));
  });

  it('uses the last class of a two-logit model', async () => {
    const scorer = make(writeModelDir({ logits: 2 }));
    // Two-logit variant: [-s + 0.5, s - 0.5] -> softmax of the last class is sigmoid(2s - 1).
    expect(await scorer.score('cat dog', ['cat dog'])).toBeCloseTo(sigmoid(2 * 2 - 1), 6);
  });

  it('stays strictly inside (0, 1), with empty sources too', async () => {
    const scorer = make(writeModelDir());
    const many = Array.from({ length: 60 }, () => 'cat').join(' ');
    const high = await scorer.score(many, [many]);
    expect(high).toBeLessThan(1);
    expect(high).toBeGreaterThan(0.99);
    const none = await scorer.score('cat', []);
    expect(none).toBeGreaterThan(0);
    expect(none).toBeLessThan(0.5);
  });

  it('reports a missing model directory by name', async () => {
    const missing = join(writeModelDir(), 'nowhere');
    await expect(make(missing).score('cat', ['cat'])).rejects.toThrow(/tiny-hhem.*nowhere.*does not exist/);
  });
});
