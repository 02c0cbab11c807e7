/**
 * Orama (@orama/orama 3.1, pure JS, in memory) as a peer engine.
 *
 * Schema { text: 'string', title: 'string', embedding: 'vector[d]' }, documents inserted with
 * insertMultiple (id = the part index as a string). Orama's defaults: BM25 over text and title,
 * English tokenizer without stemming or stop words (both are opt-in in Orama 3).
 * Full-text runs with threshold 1 (Orama's default: documents matching any query term), vector
 * search is Orama's exact linear scan (cosine) with similarity threshold 0, hybrid is Orama's
 * min-max-normalised weighted sum (0.5 text, 0.5 vector) with the same settings.
 */
import { create, insertMultiple, search, type Results } from '@orama/orama';
import {
  seconds,
  timeQueries,
  type EngineContext,
  type EngineRun,
  type PeerCorpus,
  type PeerQuery,
} from './types.js';

const ENGINE = 'orama';
const INSERT_CHUNK = 10_000;

type Hits = Results<unknown>;

function ids(res: Hits): number[] {
  return res.hits.map((h) => Number(h.id));
}

/** search() returns a value or a promise (when hooks are async); unwrap without an extra tick when sync. */
function idsOf(res: Hits | Promise<Hits>): number[] | Promise<number[]> {
  return res instanceof Promise ? res.then(ids) : ids(res);
}

export async function runOrama(corpus: PeerCorpus, queries: PeerQuery[], ctx: EngineContext): Promise<EngineRun> {
  const n = corpus.texts.length;
  const d = corpus.vectors[0]?.length ?? queries[0]?.vector.length ?? 0;
  if (d === 0) throw new Error('Orama: cannot infer the vector dimension');
  const notes: string[] = [
    `orama: defaults (no stemming, no stop words), fulltext threshold 1 over text+title, vector = exact scan (similarity >= 0), hybrid weights 0.5/0.5`,
  ];

  const t0 = process.hrtime.bigint();
  const db = create({
    schema: { text: 'string', title: 'string', embedding: `vector[${d}]` } as const,
  });
  for (let start = 0; start < n; start += INSERT_CHUNK) {
    const end = Math.min(n, start + INSERT_CHUNK);
    const docs = [];
    for (let i = start; i < end; i++) {
      docs.push({
        id: String(i),
        text: corpus.texts[i] ?? '',
        title: corpus.titles[i] ?? '',
        // Orama validates vectors with Array.isArray and stores its own Float32Array copy.
        embedding: Array.from(corpus.vectors[i]!),
      });
    }
    await insertMultiple(db, docs);
  }
  const buildS = seconds(t0);
  ctx.log(`orama: built ${n} docs in ${buildS.toFixed(2)} s`);

  const k = ctx.k;
  const run: EngineRun = { engine: ENGINE, build_seconds: buildS, timings: [], results: {}, notes };

  const lexical = await timeQueries(ENGINE, 'lexical', queries.length, ctx.warmup, (i) =>
    idsOf(search(db, { mode: 'fulltext', term: queries[i]!.text, properties: ['text', 'title'], threshold: 1, limit: k }) as Hits | Promise<Hits>),
  );
  run.timings.push(lexical.timing);
  run.results.lexical = lexical.results;

  const vector = await timeQueries(ENGINE, 'vector', queries.length, ctx.warmup, (i) =>
    idsOf(
      search(db, {
        mode: 'vector',
        vector: { value: queries[i]!.vector, property: 'embedding' },
        similarity: 0,
        limit: k,
      }) as Hits | Promise<Hits>,
    ),
  );
  run.timings.push(vector.timing);
  run.results.vector = vector.results;

  const hybrid = await timeQueries(ENGINE, 'hybrid', queries.length, ctx.warmup, (i) =>
    idsOf(
      search(db, {
        mode: 'hybrid',
        term: queries[i]!.text,
        vector: { value: queries[i]!.vector, property: 'embedding' },
        properties: ['text', 'title'],
        similarity: 0,
        threshold: 1,
        limit: k,
      }) as Hits | Promise<Hits>,
    ),
  );
  run.timings.push(hybrid.timing);
  run.results.hybrid = hybrid.results;

  return run;
}
