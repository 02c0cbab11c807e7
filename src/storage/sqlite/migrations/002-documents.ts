import type { Migration } from './index.js';

/**
 * Documents, their parts, the lexical index (FTS5) and vectors, the job queue, and registered
 * encoders. Parts carry their vector as a little-endian Float32 BLOB: the database is the source
 * of truth any in-memory vector index is rebuilt from.
 */
export const m002Documents: Migration = {
  version: 2,
  name: 'documents',
  sql: `
ALTER TABLE corpora ADD COLUMN vector_dimensions INTEGER;

CREATE TABLE documents (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  corpus_id      INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  doc_id         TEXT NOT NULL,
  metadata       TEXT NOT NULL DEFAULT '{}',
  tables         TEXT NOT NULL DEFAULT '[]',
  images         TEXT NOT NULL DEFAULT '[]',
  text_chars     INTEGER NOT NULL DEFAULT 0,
  metadata_chars INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  UNIQUE (corpus_id, doc_id)
);

CREATE TABLE parts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  corpus_id         INTEGER NOT NULL,
  doc_seq           INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  part_index        INTEGER NOT NULL,
  text              TEXT NOT NULL,
  context           TEXT,
  metadata          TEXT NOT NULL DEFAULT '{}',
  custom_dimensions TEXT NOT NULL DEFAULT '{}',
  is_title          INTEGER NOT NULL DEFAULT 0,
  lang              TEXT,
  text_offset       INTEGER NOT NULL DEFAULT 0,
  section_path      TEXT,
  table_id          TEXT,
  vector            BLOB
);
CREATE INDEX parts_doc ON parts(doc_seq, part_index);
CREATE INDEX parts_corpus ON parts(corpus_id);

-- Lexical index over part text and the document's title. Contentless (the text lives in parts),
-- with deletes allowed, so removing a part removes its postings in the same transaction.
CREATE VIRTUAL TABLE parts_fts USING fts5(
  text, title, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER parts_fts_delete AFTER DELETE ON parts BEGIN
  DELETE FROM parts_fts WHERE rowid = old.id;
END;

CREATE TABLE jobs (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  id                  TEXT NOT NULL UNIQUE,
  type                TEXT NOT NULL,
  corpus_id           INTEGER REFERENCES corpora(id) ON DELETE SET NULL,
  corpus_key          TEXT,
  state               TEXT NOT NULL,
  payload             TEXT NOT NULL DEFAULT '{}',
  error               TEXT,
  attempts            INTEGER NOT NULL DEFAULT 0,
  created_by_username TEXT,
  created_at          TEXT NOT NULL,
  started_at          TEXT,
  completed_at        TEXT
);
CREATE INDEX jobs_state ON jobs(state, seq);

CREATE TABLE encoders (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL UNIQUE,
  type              TEXT NOT NULL,
  description       TEXT,
  config            TEXT NOT NULL DEFAULT '{}',
  auth_encrypted    TEXT,
  output_dimensions INTEGER,
  enabled           INTEGER NOT NULL DEFAULT 1,
  created_at        TEXT NOT NULL
);
-- Ids below 100 are reserved for built-in encoders.
INSERT INTO sqlite_sequence (name, seq) VALUES ('encoders', 99);
`,
};
