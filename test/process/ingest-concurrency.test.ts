import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkIndex, exited, expectedOf, manpageBody, manpages, parseSummary, spawnQuarry, writeJsonl,
  type Expected, type IngestSummary,
  createCorpusWithServer,
} from '../helpers/ingest.js';

/**
 * Two writers on one data directory (operator commands run "beside a running server or not"):
 * two `quarry ingest` runs of the same 1,022 manpages at once. Each document must end up indexed
 * exactly once, by one run, and skipped by the other; none may fail because the other run was
 * writing at the same moment.
 */

const bodies = manpages().map(manpageBody);
const N = bodies.length;
const expected = new Map<string, Expected>(bodies.map((b) => [b.id, expectedOf(b)]));

let dataDir: string;
let work: string;
const env = () => ({ QUARRY_DATA_DIR: dataDir });
const runs: Array<{ code: number | null; summary: IngestSummary; stderr: string }> = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'quarry-concurrent-'));
  work = mkdtempSync(join(tmpdir(), 'quarry-concurrent-files-'));
  await createCorpusWithServer(env(), 'man');
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('two ingests of the same documents at once', () => {
  it('leave the database consistent: every document whole, none twice', async () => {
    const file = join(work, 'manpages.jsonl');
    writeJsonl(file, bodies);
    const children = [0, 1].map(() => spawnQuarry(['ingest', 'man', file, '--quiet'], env()));
    const outputs = children.map((child) => {
      const o = { stdout: '', stderr: '' };
      child.stdout!.on('data', (d: Buffer) => (o.stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (o.stderr += d.toString()));
      return o;
    });
    const ends = await Promise.all(children.map(exited));
    ends.forEach((end, i) => runs.push({ code: end.code, summary: parseSummary(outputs[i]!.stdout), stderr: outputs[i]!.stderr }));

    const state = checkIndex(join(dataDir, 'quarry.db'), expected);
    expect(state.problems).toEqual([]);
    const indexed = runs.reduce((n, r) => n + r.summary.indexed, 0);
    expect(state.documents).toBe(indexed);
  }, 60_000);

  it('index every document exactly once, with no run failing because the other was writing', () => {
    // A failure here reads e.g. "failed: …/manpages.jsonl:99: database is locked".
    for (const r of runs) expect(r.stderr.split('\n').filter((l) => l.startsWith('failed: ')).slice(0, 5)).toEqual([]);
    for (const r of runs) expect(r.code).toBe(0);
    expect(runs[0]!.summary.indexed + runs[1]!.summary.indexed).toBe(N);
    expect(runs[0]!.summary.indexed).toBe(runs[1]!.summary.skipped);
    expect(runs[1]!.summary.indexed).toBe(runs[0]!.summary.skipped);
  });
});
