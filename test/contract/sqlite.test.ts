/**
 * The storage contract against the SQLite adapter, on a real database file in a fresh temporary
 * directory, plus the checks only SQLite has: WAL, and migrations tracked in `user_version`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Storage } from '../../src/storage/types.js';
import { runStorageContract } from './storage.contract.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'quarry-contract-'));

runStorageContract('sqlite', async () => {
  const dir = tempDir();
  const storage = createSqliteStorage(join(dir, 'quarry.db'));
  return {
    storage,
    async cleanup() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite adapter', () => {
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  let dir: string;
  let file: string;
  const open: Storage[] = [];

  /** Reads a value with a separate, plain connection, closed straight after. */
  const peek = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(file, { fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const tables = (): string[] =>
    peek((db) =>
      db
        .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all(),
    );
  const openStorage = (path = file): Storage => {
    const s = createSqliteStorage(path);
    open.push(s);
    return s;
  };

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'quarry.db');
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports its kind and that it is not shared across nodes', () => {
    const storage = openStorage();
    expect(storage.kind).toBe('sqlite');
    expect(storage.capabilities.sharedAcrossNodes).toBe(false);
  });

  it('creates the file, and its directory when missing', async () => {
    const nested = join(dir, 'a', 'b', 'quarry.db');
    const storage = openStorage(nested);
    await storage.ping();
    expect(existsSync(nested)).toBe(true);
  });

  it('runs in WAL journal mode', async () => {
    const storage = openStorage();
    await storage.users.create({
      id: 'usr_1',
      username: 'ann',
      email: 'ann@example.com',
      description: null,
      enabled: true,
      api_roles: [],
      corpus_roles: [],
    });
    expect(peek((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    await storage.close();
    // WAL is a property of the file: it persists after the adapter closes it.
    expect(peek((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('records the migrations it applied in user_version', async () => {
    expect(latest).toBeGreaterThan(0);
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);

    const storage = openStorage();
    await storage.ping();
    expect(peek((db) => db.pragma('user_version', { simple: true }))).toBe(latest);
    expect(tables()).toEqual(
      expect.arrayContaining(['api_key_corpora', 'api_keys', 'app_clients', 'corpora', 'user_corpus_roles', 'users']),
    );
  });

  it('re-opening an existing file neither re-runs migrations nor loses data', async () => {
    const first = openStorage();
    const corpus = await first.corpora.create({
      key: 'docs',
      name: 'Docs',
      description: '',
      save_history: false,
      queries_are_answers: false,
      documents_are_questions: false,
      encoder_name: 'boomerang-multi-v2',
      filter_attributes: [],
      custom_dimensions: [],
    });
    const user = await first.users.create({
      id: 'usr_1',
      username: 'ann',
      email: 'ann@example.com',
      description: null,
      enabled: true,
      api_roles: ['owner'],
      corpus_roles: [{ corpus_id: corpus.id, role: 'owner' }],
    });
    const key = await first.apiKeys.create({
      id: 'aky_1',
      name: 'search',
      role: 'serving',
      user_id: null,
      created_by: user.id,
      corpus_ids: [corpus.id],
      secret_hash: 'a'.repeat(64),
      secret_encrypted: null,
    });
    await first.close();

    const schemaBefore = peek((db) => db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all());
    expect(peek((db) => db.pragma('user_version', { simple: true }))).toBe(latest);

    const second = openStorage();
    expect(await second.users.getByUsername('ann')).toEqual(user);
    expect(await second.corpora.getByKey('docs')).toEqual(corpus);
    expect(await second.apiKeys.getBySecretHash('a'.repeat(64))).toEqual(key);
    expect(await second.users.count()).toBe(1);
    await second.close();

    expect(peek((db) => db.pragma('user_version', { simple: true }))).toBe(latest);
    expect(peek((db) => db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all())).toEqual(schemaBefore);

    // Ids keep counting up across re-opens: a corpus re-created after re-opening gets a new id.
    const third = openStorage();
    await third.corpora.delete('docs');
    await third.close();
    const fourth = openStorage();
    const { id: _id, enabled: _enabled, created_at: _created, ...fields } = corpus;
    const again = await fourth.corpora.create(fields);
    expect(again.id).toBeGreaterThan(corpus.id);
  });

  it('refuses a database whose user_version is newer than this build knows, with a clear error', () => {
    const newer = latest + 1;
    const made = new Database(file);
    made.pragma(`user_version = ${newer}`);
    made.close();

    let caught: unknown;
    try {
      openStorage();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    const message = (caught as Error).message;
    expect(message).toMatch(/newer/i);
    expect(message).toContain(String(newer));
    expect(message).toContain(String(latest));

    // Nothing was migrated into the newer database.
    expect(peek((db) => db.pragma('user_version', { simple: true }))).toBe(newer);
    expect(tables()).toEqual([]);
  });
});
