import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api, checkIndex, exited, expectedOf, listAllDocumentIds, manpageBody, manpages, parseSummary, spawnQuarry,
  writeJsonl, type Expected, type IndexState,
  createCorpusWithServer,
} from '../helpers/ingest.js';
import { quarry, startServer } from '../helpers/process.js';

/**
 * Acceptance: indexing is atomic. A document either appears with all its parts in both indexes
 * (FTS5 postings and vectors) or not at all, also when the process is killed mid-batch. The CLI
 * ingest of the 1,022 manpages is SIGKILLed at three points, the database is checked after each
 * kill, and a last run completes the corpus: every document exactly once, whole.
 */

const bodies = manpages().map(manpageBody);
const N = bodies.length;
const expected = new Map<string, Expected>(bodies.map((b) => [b.id, expectedOf(b)]));
const sum = (ids: Iterable<string>, f: (e: Expected) => number) => [...ids].reduce((n, id) => n + f(expected.get(id)!), 0);

/** Roughly how many documents are in when each run is killed. */
const KILL_AT = [120, 450, 800];

let dataDir: string;
let work: string;
let file: string;
let key: string;
const env = () => ({ QUARRY_DATA_DIR: dataDir });
const dbPath = () => join(dataDir, 'quarry.db');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'quarry-crash-'));
  work = mkdtempSync(join(tmpdir(), 'quarry-crash-files-'));
  file = join(work, 'manpages.jsonl');
  writeJsonl(file, bodies);
  key = await createCorpusWithServer(env(), 'man');
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Starts the ingest, waits (reading the database read-only) until `atLeast` documents are in, then SIGKILLs it. */
async function ingestAndKill(atLeast: number): Promise<{ seen: number; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawnQuarry(['ingest', 'man', file, '--quiet'], env());
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = exited(child);
  const reader = new Database(dbPath(), { readonly: true, fileMustExist: true });
  try {
    const count = reader.prepare<[], number>('SELECT count(*) FROM documents').pluck();
    const deadline = Date.now() + 40_000;
    let seen = count.get()!;
    while (seen < atLeast && child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
      seen = count.get()!;
    }
    child.kill('SIGKILL');
    const { signal } = await done;
    return { seen, signal, stderr };
  } finally {
    reader.close();
  }
}

describe('indexing is atomic, also when the process is killed mid-batch', () => {
  const states: IndexState[] = [];

  for (const [i, target] of KILL_AT.entries()) {
    it(`kill ${i + 1}: SIGKILL after about ${target} documents leaves only whole documents`, async () => {
      const before = states.at(-1)?.documents ?? 0;
      const run = await ingestAndKill(target);
      // The kill landed mid-batch: the process was still running, not finished or failed.
      expect(run.signal, run.stderr).toBe('SIGKILL');
      expect(run.seen).toBeGreaterThanOrEqual(target);

      const state = checkIndex(dbPath(), expected);
      expect(state.problems).toEqual([]);
      expect(state.documents).toBeGreaterThanOrEqual(run.seen);
      expect(state.documents).toBeGreaterThan(before);
      expect(state.documents).toBeLessThan(N);
      expect(state.parts).toBe(sum(state.partsByDoc.keys(), (e) => e.parts));
      // Documents committed by an earlier run are untouched by the re-run and the kill.
      for (const [id, n] of states.at(-1)?.partsByDoc ?? []) expect(state.partsByDoc.get(id)).toBe(n);
      states.push(state);
    }, 60_000);
  }

  it('a server on the killed data directory answers list and compute_size consistently with the database', async () => {
    const state = states.at(-1)!;
    const server = await startServer(env());
    try {
      const client = api(server, key);
      const ids = await listAllDocumentIds(client, 'man');
      expect(ids).toHaveLength(state.documents);
      expect(new Set(ids)).toEqual(new Set(state.partsByDoc.keys()));
      const size = await client.post('/v2/corpora/man/compute_size');
      expect(size.body).toEqual({
        used_docs: state.documents,
        used_parts: state.parts,
        used_characters: sum(ids, (e) => e.chars),
        used_metadata_characters: expect.any(Number),
      });
    } finally {
      await server.stop();
    }
  }, 45_000);

  it('running the ingest again completes the corpus: every document exactly once, whole in both indexes', async () => {
    const last = states.at(-1)!;
    const run = quarry(['ingest', 'man', file, '--quiet'], env());
    expect(run.status, run.stderr).toBe(0);
    const fresh = bodies.map((b) => b.id).filter((id) => !last.partsByDoc.has(id));
    expect(parseSummary(run.stdout)).toEqual({
      indexed: N - last.documents,
      parts: sum(fresh, (e) => e.parts),
      skipped: last.documents,
      failed: 0,
    });

    const state = checkIndex(dbPath(), expected);
    expect(state.problems).toEqual([]);
    expect(state.documents).toBe(N);
    expect(new Set(state.partsByDoc.keys())).toEqual(new Set(expected.keys()));
    expect(state.parts).toBe(sum(expected.keys(), (e) => e.parts));

    const server = await startServer(env());
    try {
      const client = api(server, key);
      const ids = await listAllDocumentIds(client, 'man');
      expect(ids).toHaveLength(N);
      expect(new Set(ids).size).toBe(N);
      const size = await client.post('/v2/corpora/man/compute_size');
      expect(size.body).toMatchObject({ used_docs: N, used_parts: state.parts, used_characters: sum(ids, (e) => e.chars) });
      const corpus = await client.get('/v2/corpora/man');
      expect(corpus.body.limits).toMatchObject({ used_docs: N, used_parts: state.parts });
    } finally {
      await server.stop();
    }
  }, 60_000);
});
