import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

const regexCache = new Map<string, RegExp>();

/** SQLite has no REGEXP of its own; this gives `x REGEXP pattern` JavaScript semantics. */
function regexp(pattern: unknown, value: unknown): number {
  if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re.test(value) ? 1 : 0;
}

/** Opens (creating if needed) a database file in WAL mode and brings its schema up to date. */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  try {
    // Refuse a newer schema before changing anything in the file (even its journal mode).
    schemaVersion(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.function('regexp', { deterministic: true }, regexp);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function schemaVersion(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `database schema version ${current} is newer than this Quarry build knows (${latest}); upgrade Quarry`,
    );
  }
  return current;
}

export function migrate(db: Db): void {
  for (const m of MIGRATIONS) {
    if (m.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      // Another process (a second server, the operator CLI) may have applied it while we waited.
      if (m.version <= schemaVersion(db)) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export const bool = (v: unknown): boolean => v === 1 || v === true;
export const nowIso = (): string => new Date().toISOString();

/** Runs a keyset page query that selected `limit + 1` rows ordered by `seqColumn`. */
export function toPage<R, T>(rows: R[], limit: number, seqOf: (r: R) => number, map: (r: R) => T) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  const last = more ? rows[limit - 1] : undefined;
  return last === undefined ? { items } : { items, next: seqOf(last) };
}
