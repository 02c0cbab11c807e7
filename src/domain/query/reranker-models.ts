import type { CrossEncoder, CrossEncoderSpec } from '../../providers/rerankers/onnx-cross-encoder.js';
import { RerankerCatalog } from '../../retrieval/rerank/catalog.js';
import type { Rescore } from '../../retrieval/rerank/types.js';
import { QuarryError } from '../errors.js';

/** Imported on first use: a server without model re-rankers never loads onnxruntime. */
const loadOnnxCrossEncoder = async (spec: CrossEncoderSpec): Promise<CrossEncoder> =>
  (await import('../../providers/rerankers/onnx-cross-encoder.js')).createOnnxCrossEncoder(spec);

/**
 * The re-rankers this server offers: the fixed catalogue plus the operator's local cross-encoder
 * models, each loaded on first use and kept for the life of the server.
 */
export class RerankerModels {
  readonly catalog: RerankerCatalog;
  private readonly live = new Map<string, Promise<CrossEncoder>>();

  constructor(
    private readonly specs: readonly CrossEncoderSpec[],
    private readonly factory: (spec: CrossEncoderSpec) => Promise<CrossEncoder> = loadOnnxCrossEncoder,
  ) {
    this.catalog = new RerankerCatalog(specs.map((s) => s.name));
  }

  /** A stage's scorer: the model reads (query, result text) pairs. */
  scorer(name: string, query: string): Rescore {
    return async (_candidates, texts) => {
      try {
        return await (await this.model(name)).score(query, texts);
      } catch (err) {
        // The operator's model directory is at fault, not the request: say so, without a 500.
        throw new QuarryError(503, `Reranker '${name}' is unavailable: ${(err as Error).message}`);
      }
    };
  }

  private model(name: string): Promise<CrossEncoder> {
    let m = this.live.get(name);
    if (!m) {
      const spec = this.specs.find((s) => s.name === name);
      if (!spec) return Promise.reject(new Error('it is not configured'));
      m = this.factory(spec);
      // A failed load is not cached: the operator may fix the directory without a restart.
      m.catch(() => this.live.delete(name));
      this.live.set(name, m);
    }
    return m;
  }

  async close(): Promise<void> {
    const models = await Promise.allSettled(this.live.values());
    await Promise.all(models.map((m) => (m.status === 'fulfilled' ? m.value.close() : undefined)));
    this.live.clear();
  }
}
