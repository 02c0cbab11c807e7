import type { Migration } from './index.js';

/**
 * What querying needs beyond the documents: change counters that in-memory vector indexes compare
 * to know whether a corpus's parts changed (whichever process wrote them), and the query history.
 */
export const m003Query: Migration = {
  version: 3,
  name: 'query',
  sql: `
-- A table of its own, not columns of corpora: writing corpora bumps the credential epoch.
CREATE TABLE corpus_versions (
  corpus_id INTEGER PRIMARY KEY REFERENCES corpora(id) ON DELETE CASCADE,
  -- Bumped by every write that adds or removes parts of the corpus.
  parts     INTEGER NOT NULL DEFAULT 0,
  -- Bumped when stored vectors are replaced (a re-embedding job) or all parts go (reset): a cache
  -- must then reload everything rather than add what is new.
  vectors   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE query_history (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT NOT NULL UNIQUE,
  query_text     TEXT NOT NULL,
  corpus_key     TEXT,
  -- Internal ids of every corpus the query searched (JSON array), for access checks and filters.
  corpus_ids     TEXT NOT NULL,
  request        TEXT NOT NULL,
  chat_id        TEXT,
  latency_millis INTEGER NOT NULL,
  started_at     TEXT NOT NULL,
  spans          TEXT NOT NULL DEFAULT '[]',
  generation     TEXT,
  factual_consistency_score REAL
);
CREATE INDEX query_history_started ON query_history(started_at);
`,
};
