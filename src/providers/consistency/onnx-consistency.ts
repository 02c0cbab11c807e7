/**
 * A factual-consistency scorer over a local ONNX pair classifier (an HHEM-style model exported for
 * sequence classification): premise = the sources joined by blank lines, hypothesis = the
 * generated text; the score is the sigmoid of a single logit, or the softmax probability of the
 * last class of two ("consistent", as HHEM orders its labels).
 *
 * The model directory, tokenisation, pair template, batching and logit handling are exactly those
 * of the ONNX cross-encoder re-ranker (providers/rerankers/onnx-cross-encoder.ts), which this wraps
 * with the premise in the first segment and the hypothesis in the second. Its truncation rule fits:
 * when the pair is too long, the hypothesis keeps at least half the room and the premise is cut
 * from its end.
 */
import type { ConsistencyScorer } from '../../generation/types.js';
import { createOnnxCrossEncoder, type CrossEncoder, type CrossEncoderOptions } from '../rerankers/onnx-cross-encoder.js';

export interface OnnxConsistencySpec {
  /** The scorer's name as configured (reported, and used in error messages). */
  name: string;
  /** Directory holding model.onnx and tokenizer.json. */
  path: string;
  /** Max tokens per (premise, hypothesis) pair, default 512 (never more than the tokenizer's own). */
  max_length?: number;
}

/** Keeps scores strictly inside (0, 1), as a float sigmoid can round to 0 or 1. */
const EDGE = 1e-6;

export class OnnxConsistencyScorer implements ConsistencyScorer {
  readonly name: string;
  private readonly model: CrossEncoder;

  constructor(spec: OnnxConsistencySpec, options: Pick<CrossEncoderOptions, 'threads'> = {}) {
    this.name = spec.name;
    this.model = createOnnxCrossEncoder(
      { name: spec.name, path: spec.path, ...(spec.max_length !== undefined ? { max_length: spec.max_length } : {}) },
      options,
    );
  }

  /** Throws a CrossEncoderError (naming the model directory) when the model cannot load or run. */
  async score(generated: string, sources: readonly string[]): Promise<number> {
    const [p] = await this.model.score(sources.join('\n\n'), [generated]);
    if (p === undefined || Number.isNaN(p)) throw new Error(`consistency model "${this.name}" returned no score`);
    return Math.min(1 - EDGE, Math.max(EDGE, p));
  }

  close(): Promise<void> {
    return this.model.close();
  }
}
