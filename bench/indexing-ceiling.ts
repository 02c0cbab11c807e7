/**
 * The indexing bench's ceiling: the best ratio of HTTP parts/s to the encoder's parts/s that any
 * server could reach on this machine while doing the work Quarry must do.
 *
 * Three costs are measured in CPU time per part, each alone:
 *  - E, the encoder (the bench's encoder passes);
 *  - F, the transport: server and client CPU of the same requests against the transport floor
 *    (bench/transport-floor-server.ts), which parses each body and answers, nothing more;
 *  - S, storage: the set's documents written through Quarry's SQLite repository in this process
 *    (parts table, FTS5 index, vectors), `groupSize` documents per group commit as the server
 *    groups the requests in flight, with a fixed vector: the values do not change the work.
 *
 * Every part costs at least E + F + S of CPU on the machine's `cores` cores, so HTTP parts/s is at
 * most cores / (E + F + S) while the encoder alone does 1 / E on one core: the ratio is at most
 * cores × E / (E + F + S). It leaves out everything else a server does (authentication,
 * validation, chunking, language detection, thread hops, GC) and assumes perfect overlap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentBody } from '../src/ingestion/documents.js';
import { preparedParts } from '../src/ingestion/pipeline.js';
import { createSqliteStorage } from '../src/storage/sqlite/index.js';
import type { NewDocument } from '../src/storage/types.js';
import type { WorkSet } from './indexing-data.js';
import { round } from './measure.js';

/** The built-in encoder's vector size: what the server stores per part. */
const DIMENSIONS = 100;

export interface StoragePass {
  parts: number;
  cpuSeconds: number;
  partsPerCpuSecond: number;
}

/** Writes the set's documents into a fresh SQLite database, `groupSize` per group commit. */
export async function storagePass(set: WorkSet, groupSize: number): Promise<StoragePass> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-storage-'));
  const storage = createSqliteStorage(join(dir, 'quarry.db'));
  try {
    const corpus = await storage.corpora.create({
      key: set.corpus, name: set.corpus, description: '', save_history: false, queries_are_answers: false,
      documents_are_questions: false, encoder_name: 'quarry-static-glove-100d', filter_attributes: [], custom_dimensions: [],
    });
    const vector = new Float32Array(DIMENSIONS).fill(0.1);
    // Shaped by the server's own pipeline, embedding and language detection left out.
    const docs = set.documents.map(({ body }): NewDocument => {
      const { head, parts } = preparedParts(corpus, JSON.parse(body.toString('utf8')) as DocumentBody);
      for (const p of parts) {
        p.vector = vector;
        p.lang ??= 'eng';
      }
      return { ...head, parts };
    });
    const parts = docs.reduce((n, d) => n + d.parts.length, 0);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < docs.length; i += groupSize) await Promise.all(docs.slice(i, i + groupSize).map((d) => storage.documents.create(d)));
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { parts, cpuSeconds: round(cpuSeconds, 3), partsPerCpuSecond: round(parts / Math.max(cpuSeconds, 0.001), 1) };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Ceiling {
  cores: number;
  /** CPU microseconds per part: encoder, transport (server + client), storage. */
  encoderUs: number;
  transportUs: number;
  storageUs: number;
  /** cores × E / (E + F + S). */
  ratio: number;
}

export function ceiling(cores: number, encoderPartsPerCpuSecond: number, transportCpuSeconds: number, transportParts: number, storage: StoragePass): Ceiling {
  const encoderUs = 1e6 / encoderPartsPerCpuSecond;
  const transportUs = (1e6 * transportCpuSeconds) / Math.max(transportParts, 1);
  const storageUs = 1e6 / storage.partsPerCpuSecond;
  return {
    cores,
    encoderUs: round(encoderUs, 1),
    transportUs: round(transportUs, 1),
    storageUs: round(storageUs, 1),
    ratio: round((cores * encoderUs) / (encoderUs + transportUs + storageUs), 3),
  };
}
