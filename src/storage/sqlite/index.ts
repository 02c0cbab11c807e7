import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Storage } from '../types.js';
import { SqliteApiKeys } from './api-keys.js';
import { SqliteAppClients } from './app-clients.js';
import { SqliteCorpora } from './corpora.js';
import { SqliteDocuments } from './documents.js';
import { SqliteEncoders } from './encoders.js';
import { SqliteJobs } from './jobs.js';
import { openDatabase } from './database.js';
import { SqliteUsers } from './users.js';
import { SqliteSearch } from './search.js';
import { SqliteQueryHistory } from './query-history.js';
import { SqliteLlms } from './llms.js';
import { SqliteChats } from './chats.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** The embedded default: one SQLite file in WAL mode, used by one Quarry process. */
export function createSqliteStorage(path: string): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = openDatabase(path);
  const checkpointer = path !== ':memory:' ? WalCheckpointer.for(db, path) : undefined;
  const epoch = db.prepare<[], number>('SELECT version FROM auth_epoch WHERE id = 1').pluck();
  return {
    kind: 'sqlite',
    capabilities: { sharedAcrossNodes: false },
    users: new SqliteUsers(db),
    apiKeys: new SqliteApiKeys(db),
    appClients: new SqliteAppClients(db),
    corpora: new SqliteCorpora(db),
    documents: new SqliteDocuments(db),
    jobs: new SqliteJobs(db),
    encoders: new SqliteEncoders(db),
    search: new SqliteSearch(db),
    queryHistory: new SqliteQueryHistory(db),
    llms: new SqliteLlms(db),
    chats: new SqliteChats(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async authEpoch() {
      return epoch.get() ?? 0;
    },
    authEpochSync() {
      return epoch.get() ?? 0;
    },
    async close() {
      await checkpointer?.close();
      if (db.open) db.close();
    },
  };
}
