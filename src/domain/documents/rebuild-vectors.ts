import { encoderFailure } from '../../ingestion/pipeline.js';
import type { CorpusRecord, Storage } from '../../storage/types.js';
import type { EncoderService } from '../encoders/encoders.js';

const BATCH = 256;

/**
 * Re-embeds every part of a corpus from the text kept in the database and stores the new
 * vectors, batch by batch. The database holds everything needed, so vectors (and any index
 * built from them) can always be rebuilt, e.g. after a remote encoder's model was updated.
 * Safe to interrupt and run again.
 */
export async function rebuildVectors(
  storage: Storage,
  encoders: EncoderService,
  corpus: CorpusRecord,
  onProgress?: (done: number) => void,
): Promise<number> {
  const encoder = await encoders.resolve(corpus.encoder_name);
  const kind = corpus.documents_are_questions ? 'query' : 'document';
  let done = 0;
  for (let after = 0; ; ) {
    const batch = await storage.documents.partTexts(corpus.id, after, BATCH);
    if (batch.length === 0) break;
    let vectors: Float32Array[];
    try {
      vectors = await encoder.embed(batch.map((p) => p.text), kind, { bulk: true });
    } catch (err) {
      throw encoderFailure(err);
    }
    await storage.documents.setVectors(corpus.id, batch.map((p, i) => ({ id: p.id, vector: vectors[i]! })));
    done += batch.length;
    after = batch.at(-1)!.id;
    onProgress?.(done);
  }
  return done;
}

/** The `rebuild_vector_index` job. */
export const rebuildVectorsJob =
  (storage: Storage, encoders: EncoderService) =>
  async (job: { corpus_id: number | null }): Promise<void> => {
    const corpus = job.corpus_id === null ? undefined : await storage.corpora.getById(job.corpus_id);
    if (!corpus) throw new Error('the corpus no longer exists');
    await rebuildVectors(storage, encoders, corpus);
  };
