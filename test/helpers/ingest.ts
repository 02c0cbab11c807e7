import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { StructuredDocumentBody } from '../../src/ingestion/documents.js';
import { normalizeDocument } from '../../src/ingestion/normalize.js';
import { startServer, type RunningServer } from './process.js';

/**
 * Helpers for the ingest process tests: realistic documents from the shared manpages data set
 * (read in place, never copied into the project), the owner's key and a corpus on a fresh data
 * directory, and the invariants the database must hold however an ingest ended.
 */

export const MANPAGES_PATH = fileURLToPath(new URL('../../../shared/datasets/manpages/docs.jsonl', import.meta.url));

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = ['--import', 'tsx', 'src/cli/index.ts'];

export interface Manpage {
  id: string;
  title: string;
  text: string;
}

let cachedManpages: Manpage[] | undefined;

export function manpages(): Manpage[] {
  cachedManpages ??= readFileSync(MANPAGES_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Manpage);
  return cachedManpages;
}

/** A manpage as a structured create-document body: its title and one section with its text. */
export function manpageBody(m: Manpage): StructuredDocumentBody {
  return { type: 'structured', id: m.id, title: m.title, metadata: { title: m.title, source: 'manpages' }, sections: [{ text: m.text }] };
}

export function writeJsonl(path: string, bodies: unknown[]): void {
  writeFileSync(path, bodies.map((b) => JSON.stringify(b)).join('\n') + '\n');
}

/** What indexing a body must store: its number of parts and their characters (documents.text_chars). */
export interface Expected {
  parts: number;
  chars: number;
}

/** The same normalisation the ingestion pipeline applies, without embedding or storing anything. */
export function expectedOf(body: StructuredDocumentBody): Expected {
  const parts = normalizeDocument(body).parts;
  return { parts: parts.length, chars: parts.reduce((n, p) => n + p.text.length, 0) };
}

/** The owner's personal key, printed once when a server starts on a fresh data directory. */
export function ownerKey(server: RunningServer): string {
  const key = /(zut_\S+)/.exec(server.output())?.[1];
  if (!key) throw new Error(`no owner key in the server's first-start output:\n${server.output()}`);
  return key;
}

/**
 * Starts a server on a fresh data directory just long enough to create a corpus, so the CLI can
 * then ingest into it. Returns the owner's key.
 */
export async function createCorpusWithServer(env: Record<string, string>, corpus: string): Promise<string> {
  const server = await startServer(env);
  try {
    const key = ownerKey(server);
    const created = await api(server, key).post('/v2/corpora', { key: corpus });
    if (created.status !== 201) throw new Error(`creating corpus ${corpus}: ${created.status} ${JSON.stringify(created.body)}`);
    return key;
  } finally {
    await server.stop();
  }
}

export interface Api {
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export function api(server: RunningServer, key: string): Api {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

/** Every document id of a corpus, page by page through the list API. */
export async function listAllDocumentIds(client: Api, corpus: string, limit = 1000): Promise<string[]> {
  const ids: string[] = [];
  let pageKey: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const q = new URLSearchParams({ limit: String(limit), ...(pageKey ? { page_key: pageKey } : {}) });
    const res = await client.get(`/v2/corpora/${corpus}/documents?${q}`);
    if (res.status !== 200) throw new Error(`list documents answered ${res.status}: ${JSON.stringify(res.body)}`);
    ids.push(...(res.body.documents as Array<{ id: string }>).map((d) => d.id));
    pageKey = res.body.metadata?.page_key;
    if (!pageKey) return ids;
  }
  throw new Error('list documents never reached its last page');
}

export interface IngestSummary {
  indexed: number;
  parts: number;
  skipped: number;
  failed: number;
}

/** Reads the summary line `indexed N documents (P parts), skipped S already present, failed F, in T s`. */
export function parseSummary(stdout: string): IngestSummary {
  const m = /indexed (\d+) documents \((\d+) parts\), skipped (\d+) already present, failed (\d+), in [\d.]+ s/.exec(stdout);
  if (!m) throw new Error(`no ingest summary line in:\n${stdout}`);
  return { indexed: Number(m[1]), parts: Number(m[2]), skipped: Number(m[3]), failed: Number(m[4]) };
}

/** Starts a `quarry …` command without waiting for it (for commands a test interrupts). */
export function spawnQuarry(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface IndexState {
  documents: number;
  parts: number;
  /** doc_id → number of parts stored. */
  partsByDoc: Map<string, number>;
  /** Every broken invariant, in words; empty when the database is consistent. */
  problems: string[];
}

/**
 * Opens the database read-write (as Quarry would after a crash, so SQLite recovers the WAL) and
 * checks that every document is whole in both indexes: its parts all there with their FTS5
 * postings and vectors of the corpus's dimension, and nothing left over from a document that is not.
 * `expected` (doc_id → parts and characters) adds: each stored document matches a clean ingest of it.
 */
export function checkIndex(dbPath: string, expected?: Map<string, Expected>): IndexState {
  const db = new Database(dbPath, { fileMustExist: true });
  const problems: string[] = [];
  const scalar = (sql: string): number => db.prepare<[], number>(sql).pluck().get() as number;
  const expectZero = (what: string, sql: string) => {
    const n = scalar(sql);
    if (n !== 0) problems.push(`${n} ${what}`);
  };
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const fkeys = db.pragma('foreign_key_check') as unknown[];
    if (fkeys.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(fkeys.slice(0, 5))}`);
    try {
      db.prepare("INSERT INTO parts_fts(parts_fts) VALUES ('integrity-check')").run();
    } catch (err) {
      problems.push(`FTS5 integrity-check: ${(err as Error).message}`);
    }

    const documents = scalar('SELECT count(*) FROM documents');
    const parts = scalar('SELECT count(*) FROM parts');
    const fts = scalar('SELECT count(*) FROM parts_fts');
    if (fts !== parts) problems.push(`parts_fts has ${fts} rows for ${parts} parts`);
    expectZero('FTS5 rows without a part', 'SELECT count(*) FROM parts_fts WHERE rowid NOT IN (SELECT id FROM parts)');
    expectZero('parts without an FTS5 row', 'SELECT count(*) FROM parts WHERE id NOT IN (SELECT rowid FROM parts_fts)');
    // Postings, not just rowids: every part is findable by at least one term (its text or the title).
    db.exec('CREATE VIRTUAL TABLE temp.parts_vocab USING fts5vocab(main, parts_fts, instance)');
    expectZero('parts without any postings', 'SELECT count(*) FROM parts WHERE id NOT IN (SELECT DISTINCT doc FROM temp.parts_vocab)');

    expectZero('parts whose doc_seq has no document', 'SELECT count(*) FROM parts p LEFT JOIN documents d ON d.seq = p.doc_seq WHERE d.seq IS NULL');
    expectZero('parts in another corpus than their document', 'SELECT count(*) FROM parts p JOIN documents d ON d.seq = p.doc_seq WHERE p.corpus_id != d.corpus_id');
    expectZero('documents without parts', 'SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM parts p WHERE p.doc_seq = d.seq)');
    expectZero(
      'documents whose part_index is not 0..n-1',
      `SELECT count(*) FROM (SELECT doc_seq, count(*) AS n, min(part_index) AS lo, max(part_index) AS hi, count(DISTINCT part_index) AS k
                            FROM parts GROUP BY doc_seq) WHERE lo != 0 OR hi != n - 1 OR k != n`,
    );
    expectZero('duplicate document ids in a corpus', 'SELECT count(*) - count(DISTINCT corpus_id || char(0) || doc_id) FROM documents');
    expectZero('corpora with parts but no vector dimension', 'SELECT count(*) FROM corpora c WHERE vector_dimensions IS NULL AND EXISTS (SELECT 1 FROM parts p WHERE p.corpus_id = c.id)');
    expectZero(
      "parts without a vector of their corpus's dimension",
      `SELECT count(*) FROM parts p JOIN corpora c ON c.id = p.corpus_id
       WHERE p.vector IS NULL OR c.vector_dimensions IS NULL OR length(p.vector) != 4 * c.vector_dimensions`,
    );
    let badVectors = 0;
    for (const blob of db.prepare<[], Buffer>('SELECT vector FROM parts WHERE vector IS NOT NULL').pluck().iterate()) {
      const v = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
      if (v.some((x) => !Number.isFinite(x))) badVectors++;
    }
    if (badVectors) problems.push(`${badVectors} vectors with NaN or infinite values`);

    const rows = db
      .prepare<[], { doc_id: string; text_chars: number; n: number }>(
        `SELECT d.doc_id, d.text_chars, (SELECT count(*) FROM parts p WHERE p.doc_seq = d.seq) AS n FROM documents d`,
      )
      .all();
    const partsByDoc = new Map(rows.map((r) => [r.doc_id, r.n]));
    if (expected) {
      const wrong: string[] = [];
      for (const r of rows) {
        const want = expected.get(r.doc_id);
        if (!want) wrong.push(`document '${r.doc_id}' was never ingested`);
        else if (r.n !== want.parts || r.text_chars !== want.chars) {
          wrong.push(`document '${r.doc_id}' has ${r.n} parts, ${r.text_chars} characters; a clean ingest gives ${want.parts}, ${want.chars}`);
        }
      }
      problems.push(...wrong.slice(0, 10));
      if (wrong.length > 10) problems.push(`… and ${wrong.length - 10} more documents unlike a clean ingest`);
    }
    return { documents, parts, partsByDoc, problems };
  } finally {
    db.close();
  }
}

/** Waits for a child process to end; resolves with its exit code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
