import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api, checkIndex, expectedOf, listAllDocumentIds, manpageBody, manpages, ownerKey, parseSummary, writeJsonl,
  type Api, type Expected,
} from '../helpers/ingest.js';
import { quarry, startServer, type RunningServer } from '../helpers/process.js';

/**
 * `quarry ingest <corpus> <files…>` end to end: a real CLI process writes into the data directory
 * while a real server on the same directory answers the API.
 */

let dataDir: string;
let work: string;
let server: RunningServer;
let client: Api;
const env = () => ({ QUARRY_DATA_DIR: dataDir });
const dbPath = () => join(dataDir, 'quarry.db');

const docs = manpages().slice(0, 200);
const bodies = docs.map(manpageBody);
const expected = new Map<string, Expected>(bodies.map((b) => [b.id, expectedOf(b)]));
const totalParts = [...expected.values()].reduce((n, e) => n + e.parts, 0);
const totalChars = [...expected.values()].reduce((n, e) => n + e.chars, 0);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'quarry-ingest-'));
  work = mkdtempSync(join(tmpdir(), 'quarry-ingest-files-'));
  server = await startServer(env());
  client = api(server, ownerKey(server));
  for (const key of ['man', 'files']) {
    const created = await client.post('/v2/corpora', { key });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('quarry ingest', () => {
  it('indexes a .jsonl of 200 create-document bodies, and the API sees every one whole', async () => {
    const file = join(work, 'manpages.jsonl');
    writeJsonl(file, bodies);
    const run = quarry(['ingest', 'man', file, '--quiet'], env());
    expect(run.status, run.stderr).toBe(0);
    expect(parseSummary(run.stdout)).toEqual({ indexed: 200, parts: totalParts, skipped: 0, failed: 0 });
    expect(run.stderr).not.toMatch(/failed:/);

    const ids = await listAllDocumentIds(client, 'man', 70);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(new Set(docs.map((d) => d.id)));

    const size = await client.post('/v2/corpora/man/compute_size');
    expect(size.status).toBe(200);
    expect(size.body).toMatchObject({ used_docs: 200, used_parts: totalParts, used_characters: totalChars });

    // One document read back: its title part first, then its text, with the metadata given.
    const one = await client.get(`/v2/corpora/man/documents/${encodeURIComponent(docs[7]!.id)}`);
    expect(one.status).toBe(200);
    expect(one.body.metadata).toEqual({ title: docs[7]!.title, source: 'manpages' });
    expect(one.body.parts).toHaveLength(expected.get(docs[7]!.id)!.parts);
    expect(one.body.parts[0]).toMatchObject({ text: docs[7]!.title, metadata: { is_title: true } });
    expect(one.body.parts.slice(1).map((p: { text: string }) => p.text).join(' ')).toContain(docs[7]!.text.slice(0, 40));

    const state = checkIndex(dbPath(), expected);
    expect(state.problems).toEqual([]);
    expect(state.documents).toBe(200);
  });

  it('skips every document on a second run, changing nothing', async () => {
    const run = quarry(['ingest', 'man', join(work, 'manpages.jsonl'), '--quiet'], env());
    expect(run.status, run.stderr).toBe(0);
    expect(parseSummary(run.stdout)).toEqual({ indexed: 0, parts: 0, skipped: 200, failed: 0 });
    const size = await client.post('/v2/corpora/man/compute_size');
    expect(size.body).toMatchObject({ used_docs: 200, used_parts: totalParts, used_characters: totalChars });
  });

  it('reports a bad line and a bad document with their line numbers, indexes the good ones and exits 1', async () => {
    const extra = manpages().slice(200, 203).map(manpageBody);
    const file = join(work, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify(extra[0]),
        '{"type": "structured", "id": "broken", ', // line 2: not JSON
        '', // line 3: blank lines are ignored, but still counted
        JSON.stringify({ type: 'core', id: 'no-parts', document_parts: [] }), // line 4: nothing to index
        JSON.stringify(extra[1]),
        JSON.stringify(bodies[0]), // line 6: already present, skipped
        JSON.stringify({ type: 'structured', id: 'blank', sections: [{ text: '   ' }] }), // line 7: blank text only
        JSON.stringify(extra[2]),
      ].join('\n') + '\n',
    );
    const run = quarry(['ingest', 'man', file, '--quiet'], env());
    expect(run.status).toBe(1);
    expect(parseSummary(run.stdout)).toEqual({
      indexed: 3,
      parts: extra.reduce((n, b) => n + expectedOf(b).parts, 0),
      skipped: 1,
      failed: 3,
    });
    const failures = run.stderr.split('\n').filter((l) => l.startsWith('failed: '));
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(new RegExp(`^failed: ${escape(file)}:2: not valid JSON`));
    expect(failures[1]).toMatch(new RegExp(`^failed: ${escape(file)}:4: Invalid document_parts: the document has no text to index`));
    expect(failures[2]).toMatch(new RegExp(`^failed: ${escape(file)}:7: Invalid sections: the document has no text to index`));

    for (const b of extra) expect((await client.get(`/v2/corpora/man/documents/${encodeURIComponent(b.id)}`)).status).toBe(200);
    for (const id of ['broken', 'no-parts', 'blank']) expect((await client.get(`/v2/corpora/man/documents/${id}`)).status).toBe(404);
    const size = await client.post('/v2/corpora/man/compute_size');
    expect(size.body.used_docs).toBe(203);

    const all = new Map(expected);
    for (const b of extra) all.set(b.id, expectedOf(b));
    expect(checkIndex(dbPath(), all).problems).toEqual([]);
  });

  it('indexes .txt, .md and .json files with the upload parsers, and reports files it cannot read', async () => {
    const txt = join(work, 'notes.txt');
    const md = join(work, 'guide.md');
    const json = join(work, 'body.json');
    const png = join(work, 'picture.png');
    writeFileSync(txt, 'Quarry keeps its data in one SQLite file.\nBack it up with the sqlite3 .backup command.\n');
    writeFileSync(md, '# Guide\n\nStart the server with npm start. It listens on port 8080 by default.\n\n## Keys\n\nUse the owner key printed at first start.\n');
    writeFileSync(json, JSON.stringify({ type: 'core', id: 'from-json', metadata: { lang: 'eng' }, document_parts: [{ text: 'A core document from a .json file.' }] }));
    writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const missing = join(work, 'missing.txt');

    const run = quarry(['ingest', 'files', txt, md, json, png, missing, '--quiet'], env());
    expect(run.status).toBe(1);
    expect(parseSummary(run.stdout)).toMatchObject({ indexed: 3, skipped: 0, failed: 2 });
    expect(run.stderr).toContain(`failed: ${png}: Cannot read this file`);
    expect(run.stderr).toContain(`failed: ${missing}: does not exist`);

    const ids = await listAllDocumentIds(client, 'files');
    expect(ids.sort()).toEqual(['from-json', 'guide.md', 'notes.txt']);
    const notes = await client.get('/v2/corpora/files/documents/notes.txt');
    expect(notes.status).toBe(200);
    expect(notes.body.metadata).toMatchObject({ title: 'notes', source: txt });
    expect(notes.body.parts.map((p: { text: string }) => p.text).join(' ')).toContain('Quarry keeps its data in one SQLite file.');
    const guide = await client.get('/v2/corpora/files/documents/guide.md');
    expect(guide.body.parts.map((p: { text: string }) => p.text).join(' ')).toContain('Use the owner key printed at first start.');
    const fromJson = await client.get('/v2/corpora/files/documents/from-json');
    expect(fromJson.body).toMatchObject({ metadata: { lang: 'eng' }, parts: [{ text: 'A core document from a .json file.' }] });

    // Again: the files are skipped; only the unreadable ones fail.
    const again = quarry(['ingest', 'files', txt, md, json, '--quiet'], env());
    expect(again.status, again.stderr).toBe(0);
    expect(parseSummary(again.stdout)).toMatchObject({ indexed: 0, skipped: 3, failed: 0 });
    expect((await client.post('/v2/corpora/files/compute_size')).body.used_docs).toBe(3);
    expect(checkIndex(dbPath()).problems).toEqual([]);
  });

  it('names an unknown corpus clearly, with a failing exit code and nothing written', async () => {
    const run = quarry(['ingest', 'nope', join(work, 'manpages.jsonl'), '--quiet'], env());
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: Corpus 'nope' was not found$/m);
    expect(run.stdout).not.toMatch(/indexed/);
    expect((await client.get('/v2/corpora/nope')).status).toBe(404);
    expect((await client.post('/v2/corpora/man/compute_size')).body.used_docs).toBe(203);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
