/**
 * A database another process holds locked (the operator CLI writing beside the server) past
 * busy_timeout: the API answers 503 with Retry-After, stores nothing, and works again after.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, expectError, expectOk, type Client } from './support.js';

const docs = (corpus: string) => `/v2/corpora/${corpus}/documents`;
const core = (id: string, texts: string[]) => ({ type: 'core', id, document_parts: texts.map((text) => ({ text })) });

describe('a database locked by another process', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'docs');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers 503 with Retry-After, stores nothing, and works again once the lock is gone', async () => {
    const other = new Database(join(server.dataDir, 'quarry.db'));
    other.exec('BEGIN IMMEDIATE');
    let res;
    try {
      res = await owner.post(docs('docs'), core('while-locked', ['Written while another process held the lock.']));
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expectError(res, 503);
    expect(res.headers['retry-after']).toBe('1');
    expectError(await owner.get(`${docs('docs')}/while-locked`), 404, 'NotFoundError');
    expectOk(await owner.post(docs('docs'), core('while-locked', ['Written once the lock was gone.'])), 'createCorpusDocument', 201);
  }, 20_000);
});
