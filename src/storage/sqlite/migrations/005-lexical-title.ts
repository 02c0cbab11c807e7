import type { Migration } from './index.js';

/**
 * The title a document's parts were indexed with lexically. The full-text index is contentless, so
 * without this column the title could not be read back; the in-memory lexical index
 * (retrieval/lexical) tokenizes each part's text and its document's title the way FTS5 did.
 * Documents written before this migration get `metadata.title`, where ingestion takes the title
 * from unless a structured document names its own.
 */
export const m005LexicalTitle: Migration = {
  version: 5,
  name: 'lexical-title',
  sql: `
ALTER TABLE documents ADD COLUMN title TEXT;
UPDATE documents SET title = json_extract(metadata, '$.title')
  WHERE json_valid(metadata) AND json_type(metadata, '$.title') = 'text';
`,
};
