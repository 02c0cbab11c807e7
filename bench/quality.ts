/**
 * Ranking quality through the HTTP API on the manpages known-item set (../shared/datasets/manpages):
 * the documents are indexed into a fresh server as structured documents (title + description,
 * default sentence chunking), every query is run through POST /v2/corpora/{key}/query with a
 * QueryService key, and nDCG@10, MRR@10 and recall@10 are computed over documents (a document
 * ranks where its best part ranks). Configurations: lexical only, vector only, the default hybrid,
 * the default hybrid + the default re-ranker, and a sweep of lexical_interpolation that shows how
 * the built-in encoder's default was chosen.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_LEXICAL_INTERPOLATION } from '../src/domain/query/defaults.js';
import { startBenchServer, stopBenchServer } from './server-process.js';

const DATA = fileURLToPath(new URL('../../shared/datasets/manpages/', import.meta.url));
const TARGET_NDCG = 0.83;

interface ManPage { id: string; title: string; text: string }
interface Query { id: string; query: string; relevant: string[] }

const jsonl = <T>(file: string): T[] =>
  readFileSync(`${DATA}${file}`, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);

export interface QualityRow { name: string; search: Record<string, unknown>; ndcg10: number; mrr10: number; recall10: number; seconds: number }
export interface QualityReport { documents: number; queries: number; indexSeconds: number; rows: QualityRow[]; defaultLambda: number; target: number; pass: boolean }

/** Rank (0-based) of the one relevant document among the first 10 distinct documents, or -1. */
function rankOf(docIds: string[], relevant: readonly string[]): number {
  const seen: string[] = [];
  for (const id of docIds) {
    if (seen.includes(id)) continue;
    seen.push(id);
    if (seen.length > 10) break;
  }
  return seen.slice(0, 10).findIndex((id) => relevant.includes(id));
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function runQuality(log: (line: string) => void, options: { queries?: number } = {}): Promise<QualityReport> {
  const pages = jsonl<ManPage>('docs.jsonl');
  const queries = jsonl<Query>('queries.jsonl').slice(0, options.queries ?? Infinity);
  const server = await startBenchServer(['--import', 'tsx', 'bench/server.ts', '--exit-with-stdin'], 'quality server');
  const base = `http://127.0.0.1:${server.info.port}`;
  const corpus = server.info.corpusKey;
  const call = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    log(`quality: indexing ${pages.length} manual pages...`);
    const t0 = performance.now();
    await pool(pages, 4, async (p) => {
      await call(server.info.ownerKey, `/v2/corpora/${corpus}/documents`, {
        type: 'structured', id: p.id, title: p.title, sections: [{ text: p.text }],
      });
    });
    const indexSeconds = (performance.now() - t0) / 1000;

    const configs: Array<{ name: string; search: Record<string, unknown> }> = [
      { name: 'lexical only (λ=1)', search: { lexical_interpolation: 1 } },
      { name: 'vector only (λ=0)', search: { lexical_interpolation: 0 } },
      { name: `default hybrid (λ=${BUILT_IN_LEXICAL_INTERPOLATION})`, search: {} },
      { name: 'default hybrid + default reranker', search: { reranker: { type: 'customer_reranker' } } },
      ...[0.5, 0.7, 0.8, 0.9, 0.95, 0.98].map((l) => ({ name: `sweep λ=${l}`, search: { lexical_interpolation: l } })),
    ];
    const rows: QualityRow[] = [];
    for (const c of configs) {
      const t = performance.now();
      let ndcg = 0;
      let mrr = 0;
      let recall = 0;
      await pool(queries, 4, async (q) => {
        const res = await call(server.info.queryKey, `/v2/corpora/${corpus}/query`, { query: q.query, search: { limit: 50, ...c.search } });
        const r = rankOf((res.search_results as Array<{ document_id: string }>).map((x) => x.document_id), q.relevant);
        if (r >= 0) {
          ndcg += 1 / Math.log2(r + 2);
          mrr += 1 / (r + 1);
          recall += 1;
        }
      });
      const n = queries.length;
      rows.push({ name: c.name, search: c.search, ndcg10: ndcg / n, mrr10: mrr / n, recall10: recall / n, seconds: (performance.now() - t) / 1000 });
      log(`quality: ${c.name}: nDCG@10 ${(ndcg / n).toFixed(3)}`);
    }
    const best = Math.max(rows[2]!.ndcg10, rows[3]!.ndcg10);
    return { documents: pages.length, queries: queries.length, indexSeconds, rows, defaultLambda: BUILT_IN_LEXICAL_INTERPOLATION, target: TARGET_NDCG, pass: best >= TARGET_NDCG };
  } finally {
    await stopBenchServer(server.child, 5_000);
  }
}

export function formatQuality(r: QualityReport): string[] {
  const f = (x: number) => x.toFixed(3);
  return [
    `Ranking quality on manpages through HTTP (${r.documents} documents, ${r.queries} queries, indexed in ${r.indexSeconds.toFixed(1)} s)`,
    '  configuration                          nDCG@10  MRR@10  recall@10',
    ...r.rows.map((row) => `  ${row.name.padEnd(38)} ${f(row.ndcg10)}   ${f(row.mrr10)}  ${f(row.recall10)}`),
    '  references: FTS5 bm25 title+text 0.794; LanceDB FTS (stemming, stop words) 0.825',
    `  target: the default configuration ≥ ${r.target}  ${r.pass ? 'PASS' : 'MISS'}`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  const report = await runQuality((l) => process.stderr.write(`${l}\n`), n ? { queries: n } : {});
  process.stdout.write(`${formatQuality(report).join('\n')}\n`);
}
