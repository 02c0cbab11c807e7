import type { Migration } from './index.js';

/** Generation: registered LLM connections, and chats with their turns. */
export const m004Generation: Migration = {
  version: 4,
  name: 'generation',
  sql: `
-- The API id is 'llm_<id>'. AUTOINCREMENT so a deleted LLM's id is never handed out again.
CREATE TABLE llms (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  name                  TEXT NOT NULL UNIQUE,
  description           TEXT,
  type                  TEXT NOT NULL,
  model                 TEXT NOT NULL,
  uri                   TEXT NOT NULL,
  auth_encrypted        TEXT,
  headers               TEXT NOT NULL DEFAULT '{}',
  test_model_parameters TEXT NOT NULL DEFAULT '{}',
  enabled               INTEGER NOT NULL DEFAULT 1,
  created_at            TEXT NOT NULL
);
-- Ids below 100 are kept free for built-in LLMs, as for encoders, should they ever need numbers.
INSERT INTO sqlite_sequence (name, seq) VALUES ('llms', 99);

CREATE TABLE chats (
  -- Creation order, for keyset paging; the API id is the text id.
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  first_query  TEXT NOT NULL,
  first_answer TEXT NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1,
  -- Internal ids of every corpus the chat's turns searched (JSON array), for access checks.
  corpus_ids   TEXT NOT NULL DEFAULT '[]',
  created_at   TEXT NOT NULL
);

CREATE TABLE chat_turns (
  -- Turn order within a chat: "this turn and every later one" is seq >= this turn's seq.
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  -- The connection enables foreign keys (database.ts), so deleting a chat deletes its turns.
  chat_id          TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  query            TEXT NOT NULL,
  answer           TEXT NOT NULL,
  enabled          INTEGER NOT NULL DEFAULT 1,
  -- No foreign key: history may be off, or its entries purged, while the turn stays.
  query_history_id TEXT,
  created_at       TEXT NOT NULL
);
CREATE INDEX chat_turns_chat ON chat_turns(chat_id, seq);
`,
};
