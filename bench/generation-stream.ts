/**
 * Streaming answers through the HTTP API: how long after the `search_results` event the first
 * `generation_chunk` of the built-in extractive summariser reaches the client (target: 50 ms).
 *
 * The manpages are indexed into a fresh server (bench/server.ts, its own process); then each
 * query of the set is asked with `generation` and `stream_response: true`, one at a time (the
 * figure is a latency, not a throughput), and the client timestamps each event as it is parsed
 * from the response body. Also reported: the time to the search results, to `end`, and the same
 * answers unstreamed for comparison.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { startBenchServer, stopBenchServer } from './server-process.js';

const DATA = fileURLToPath(new URL('../../shared/datasets/manpages/', import.meta.url));
export const TARGET_FIRST_CHUNK_MS = 50;

interface ManPage { id: string; title: string; text: string }
interface Query { query: string }

const jsonl = <T>(file: string): T[] =>
  readFileSync(`${DATA}${file}`, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);

export interface GenerationStreamReport {
  documents: number;
  queries: number;
  /** search_results → first generation_chunk, client side. */
  firstChunkMs: { p50: number; p95: number; max: number };
  searchResultsMs: { p50: number; p95: number };
  /** request → first generation_chunk, client side. */
  firstChunkFromRequestMs: { p50: number; p95: number };
  endMs: { p50: number; p95: number };
  unstreamedMs: { p50: number; p95: number };
  target: number;
  pass: boolean;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function runGenerationStream(log: (line: string) => void, options: { queries?: number } = {}): Promise<GenerationStreamReport> {
  const pages = jsonl<ManPage>('docs.jsonl');
  const queries = jsonl<Query>('queries.jsonl').slice(0, options.queries ?? 300);
  const server = await startBenchServer(['--import', 'tsx', 'bench/server.ts', '--exit-with-stdin'], 'generation server');
  const base = `http://127.0.0.1:${server.info.port}`;
  const corpus = server.info.corpusKey;
  const key = server.info.ownerKey;
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    log(`generation: indexing ${pages.length} manual pages...`);
    await pool(pages, 4, async (p) => {
      const res = await post(`/v2/corpora/${corpus}/documents`, { type: 'structured', id: p.id, title: p.title, sections: [{ text: p.text }] });
      if (!res.ok) throw new Error(`indexing ${p.id}: ${res.status} ${await res.text()}`);
    });
    const firstChunk: number[] = [];
    const toResults: number[] = [];
    const toFirstChunk: number[] = [];
    const toEnd: number[] = [];
    const whole: number[] = [];
    log(`generation: ${queries.length} streamed answers...`);
    for (const q of queries) {
      const body = { query: q.query, search: { limit: 10 }, generation: { max_used_search_results: 5 }, stream_response: true };
      const t0 = performance.now();
      const res = await post(`/v2/corpora/${corpus}/query`, body);
      if (!res.ok || !res.body) throw new Error(`query: ${res.status} ${await res.text()}`);
      const seen = new Map<string, number>();
      const parser = createParser({
        onEvent: (e) => {
          if (!seen.has(e.event ?? '')) seen.set(e.event ?? '', performance.now());
        },
      });
      const decoder = new TextDecoder();
      for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(bytes, { stream: true }));
      const results = seen.get('search_results');
      const chunk = seen.get('generation_chunk');
      const end = seen.get('end');
      if (results === undefined || chunk === undefined || end === undefined) throw new Error(`incomplete stream for "${q.query}": ${[...seen.keys()].join(', ')}`);
      toResults.push(results - t0);
      firstChunk.push(chunk - results);
      toFirstChunk.push(chunk - t0);
      toEnd.push(end - t0);
      const t1 = performance.now();
      const plain = await post(`/v2/corpora/${corpus}/query`, { ...body, stream_response: false });
      await plain.json();
      whole.push(performance.now() - t1);
    }
    const report: GenerationStreamReport = {
      documents: pages.length,
      queries: queries.length,
      firstChunkMs: { p50: pct(firstChunk, 50), p95: pct(firstChunk, 95), max: Math.max(...firstChunk) },
      searchResultsMs: { p50: pct(toResults, 50), p95: pct(toResults, 95) },
      firstChunkFromRequestMs: { p50: pct(toFirstChunk, 50), p95: pct(toFirstChunk, 95) },
      endMs: { p50: pct(toEnd, 50), p95: pct(toEnd, 95) },
      unstreamedMs: { p50: pct(whole, 50), p95: pct(whole, 95) },
      target: TARGET_FIRST_CHUNK_MS,
      pass: pct(firstChunk, 95) <= TARGET_FIRST_CHUNK_MS,
    };
    return report;
  } finally {
    await stopBenchServer(server.child, 5_000);
  }
}

export function formatGenerationStream(r: GenerationStreamReport): string[] {
  const f = (n: number) => n.toFixed(1);
  return [
    `Streamed answers (built-in extractive summariser, ${r.documents} manpages, ${r.queries} queries, one at a time)`,
    `  search_results -> first generation_chunk: p50 ${f(r.firstChunkMs.p50)} ms, p95 ${f(r.firstChunkMs.p95)} ms, max ${f(r.firstChunkMs.max)} ms` +
      `  (target p95 <= ${r.target} ms: ${r.pass ? 'PASS' : 'MISS'})`,
    `  request -> search_results: p50 ${f(r.searchResultsMs.p50)} ms, p95 ${f(r.searchResultsMs.p95)} ms; ` +
      `request -> first generation_chunk: p50 ${f(r.firstChunkFromRequestMs.p50)} ms, p95 ${f(r.firstChunkFromRequestMs.p95)} ms`,
    '  (the summariser takes about 2 ms, so its first chunk usually arrives in the same read as the results)',
    `  request -> end: p50 ${f(r.endMs.p50)} ms, p95 ${f(r.endMs.p95)} ms; the same answers unstreamed: p50 ${f(r.unstreamedMs.p50)} ms, p95 ${f(r.unstreamedMs.p95)} ms`,
  ];
}
