/**
 * Shared types and helpers for the in-process peer benchmarks (LanceDB, Orama).
 * See bench/peers/index.ts for `runPeers`.
 */

export interface PeerCorpus {
  /** one entry per part */
  texts: string[];
  /** the part's document title (same length), indexed with the text */
  titles: string[];
  /** L2-normalised, same length as texts, dimension d */
  vectors: Float32Array[];
}

export interface PeerQuery {
  text: string;
  vector: Float32Array;
}

export type PeerMode = 'lexical' | 'vector' | 'hybrid';

export interface PeerTiming {
  engine: string;
  mode: PeerMode;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  queries: number;
}

export interface PeerReport {
  /** index build time per engine (load + all indexes), seconds */
  build_seconds: Record<string, number>;
  timings: PeerTiming[];
  /** recall@10 of each engine's vector search against exact (brute-force cosine) top 10, averaged over the queries. */
  vector_recall_at_10: Record<string, number>;
  /**
   * The top-k part indices each engine returned per query, per mode, so the caller can compare
   * rankings. Keys are `${engine}:${mode}` (e.g. `lancedb:hybrid`), plus `exact:vector` for the
   * brute-force cosine top k.
   */
  results?: Record<string, number[][]>;
  /** What was skipped or not available (e.g. no ANN index on a small table, hybrid n/a), and index settings. */
  notes?: string[];
}

export interface PeerOptions {
  /** results per query (default 10) */
  k?: number;
  /** parent directory for the LanceDB table (default os.tmpdir()); a fresh subdirectory is created and removed */
  workDir?: string;
  log?: (line: string) => void;
  /** untimed warm-up queries per engine and mode (default 10, capped at the number of queries) */
  warmup?: number;
  /** LanceDB builds its HNSW index only at or above this many rows (default 10,000); below, vector search is exact (flat) */
  annMinRows?: number;
  /** LanceDB HNSW search `ef`; default: LanceDB's own (1.5 × limit) */
  lanceEf?: number;
  /** which engines to run (default both) */
  engines?: Array<'lancedb' | 'orama'>;
}

/** What one engine adapter hands back to runPeers. */
export interface EngineRun {
  engine: string;
  build_seconds: number;
  timings: PeerTiming[];
  /** per mode, per query, the top-k part indices */
  results: Partial<Record<PeerMode, number[][]>>;
  notes: string[];
}

export interface EngineContext {
  k: number;
  warmup: number;
  workDir: string;
  annMinRows: number;
  lanceEf: number | undefined;
  log: (line: string) => void;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

const normCache = new WeakMap<Float32Array[], Float64Array>();

function corpusNorms(vectors: Float32Array[]): Float64Array {
  let norms = normCache.get(vectors);
  if (!norms || norms.length !== vectors.length) {
    norms = new Float64Array(vectors.length);
    for (let i = 0; i < vectors.length; i++) norms[i] = Math.sqrt(dot(vectors[i]!, vectors[i]!));
    normCache.set(vectors, norms);
  }
  return norms;
}

/**
 * Exact top-k part indices by cosine similarity (brute force), best first; ties broken by lower
 * index. Zero vectors never match (their cosine is undefined).
 */
export function exactTopK(corpus: PeerCorpus, query: Float32Array, k: number): number[] {
  const norms = corpusNorms(corpus.vectors);
  const qn = Math.sqrt(dot(query, query));
  if (k <= 0 || qn === 0) return [];
  // Small sorted buffer (k is small): insertion into a descending list.
  const ids: number[] = [];
  const sims: number[] = [];
  for (let i = 0; i < corpus.vectors.length; i++) {
    const n = norms[i]!;
    if (n === 0) continue;
    const s = dot(query, corpus.vectors[i]!) / (n * qn);
    if (ids.length === k && s <= sims[k - 1]!) continue;
    let pos = ids.length === k ? k - 1 : ids.length;
    while (pos > 0 && sims[pos - 1]! < s) pos--;
    ids.splice(pos, 0, i);
    sims.splice(pos, 0, s);
    if (ids.length > k) {
      ids.pop();
      sims.pop();
    }
  }
  return ids;
}

/** Mean over queries of |found ∩ truth| / |truth| (queries with an empty truth are skipped). */
export function meanRecall(found: number[][], truth: number[][]): number {
  let sum = 0;
  let n = 0;
  for (let q = 0; q < truth.length; q++) {
    const t = truth[q]!;
    if (t.length === 0) continue;
    const f = new Set(found[q] ?? []);
    let hit = 0;
    for (const id of t) if (f.has(id)) hit++;
    sum += hit / t.length;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  // nearest-rank
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Runs `fn` for every query: first `warmup` untimed calls (queries 0..warmup-1), then every query
 * once, timed one by one with process.hrtime.bigint(). Returns the timing summary and each query's
 * result list.
 */
export async function timeQueries(
  engine: string,
  mode: PeerMode,
  count: number,
  warmup: number,
  fn: (i: number) => number[] | Promise<number[]>,
): Promise<{ timing: PeerTiming; results: number[][] }> {
  for (let i = 0; i < Math.min(warmup, count); i++) {
    const r = fn(i);
    if (r instanceof Promise) await r;
  }
  const samples: number[] = new Array(count);
  const results: number[][] = new Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    let r = fn(i);
    if (r instanceof Promise) r = await r;
    const t1 = process.hrtime.bigint();
    samples[i] = Number(t1 - t0) / 1e6;
    results[i] = r;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, count);
  return {
    timing: {
      engine,
      mode,
      p50_ms: round3(percentile(sorted, 50)),
      p99_ms: round3(percentile(sorted, 99)),
      mean_ms: round3(mean),
      queries: count,
    },
    results,
  };
}

export function seconds(t0: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - t0) / 1e6) / 1000;
}
