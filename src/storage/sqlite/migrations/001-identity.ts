import type { Migration } from './index.js';

/** Users, API keys, app clients and corpora: everything credentials bind to. */
export const m001Identity: Migration = {
  version: 1,
  name: 'identity',
  sql: `
CREATE TABLE users (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT NOT NULL UNIQUE,
  username      TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL,
  description   TEXT,
  enabled       INTEGER NOT NULL DEFAULT 1,
  api_roles     TEXT NOT NULL DEFAULT '[]',
  password_hash TEXT,
  reset_code_hash TEXT,
  reset_code_expires_at TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE corpora (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  key                     TEXT NOT NULL UNIQUE,
  name                    TEXT NOT NULL,
  description             TEXT NOT NULL DEFAULT '',
  enabled                 INTEGER NOT NULL DEFAULT 1,
  save_history            INTEGER NOT NULL DEFAULT 0,
  queries_are_answers     INTEGER NOT NULL DEFAULT 0,
  documents_are_questions INTEGER NOT NULL DEFAULT 0,
  encoder_name            TEXT NOT NULL,
  filter_attributes       TEXT NOT NULL DEFAULT '[]',
  custom_dimensions       TEXT NOT NULL DEFAULT '[]',
  created_at              TEXT NOT NULL
);

CREATE TABLE user_corpus_roles (
  user_seq  INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  role      TEXT NOT NULL,
  PRIMARY KEY (user_seq, corpus_id)
);
CREATE INDEX user_corpus_roles_corpus ON user_corpus_roles(corpus_id);

CREATE TABLE api_keys (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  name             TEXT NOT NULL,
  role             TEXT NOT NULL,
  enabled          INTEGER NOT NULL DEFAULT 1,
  user_id          TEXT REFERENCES users(id) ON DELETE CASCADE,
  created_by       TEXT,
  secret_hash      TEXT NOT NULL UNIQUE,
  secret_encrypted TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE api_key_corpora (
  key_seq   INTEGER NOT NULL REFERENCES api_keys(seq) ON DELETE CASCADE,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  PRIMARY KEY (key_seq, corpus_id)
);
CREATE INDEX api_key_corpora_corpus ON api_key_corpora(corpus_id);

CREATE TABLE app_clients (
  seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
  id                      TEXT NOT NULL UNIQUE,
  name                    TEXT NOT NULL,
  description             TEXT,
  client_id               TEXT NOT NULL UNIQUE,
  client_secret_hash      TEXT NOT NULL,
  client_secret_encrypted TEXT,
  api_roles               TEXT NOT NULL DEFAULT '[]',
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL
);

-- Bumped by triggers whenever anything authentication or authorization depends on changes, by any
-- process (the server, the operator CLI), so in-memory credential caches know when to drop.
CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO auth_epoch (id, version) VALUES (1, 0);
CREATE TRIGGER users_insert_epoch AFTER INSERT ON users BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER users_update_epoch AFTER UPDATE ON users BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER users_delete_epoch AFTER DELETE ON users BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER user_corpus_roles_insert_epoch AFTER INSERT ON user_corpus_roles BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER user_corpus_roles_update_epoch AFTER UPDATE ON user_corpus_roles BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER user_corpus_roles_delete_epoch AFTER DELETE ON user_corpus_roles BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER corpora_insert_epoch AFTER INSERT ON corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER corpora_update_epoch AFTER UPDATE ON corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER corpora_delete_epoch AFTER DELETE ON corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_keys_insert_epoch AFTER INSERT ON api_keys BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_keys_update_epoch AFTER UPDATE ON api_keys BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_keys_delete_epoch AFTER DELETE ON api_keys BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_key_corpora_insert_epoch AFTER INSERT ON api_key_corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_key_corpora_update_epoch AFTER UPDATE ON api_key_corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER api_key_corpora_delete_epoch AFTER DELETE ON api_key_corpora BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER app_clients_insert_epoch AFTER INSERT ON app_clients BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER app_clients_update_epoch AFTER UPDATE ON app_clients BEGIN UPDATE auth_epoch SET version = version + 1; END;
CREATE TRIGGER app_clients_delete_epoch AFTER DELETE ON app_clients BEGIN UPDATE auth_epoch SET version = version + 1; END;
`,
};
