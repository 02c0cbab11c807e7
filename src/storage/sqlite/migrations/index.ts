/**
 * Numbered migrations, applied in order inside one transaction each; the database's
 * `user_version` records the last one applied. Never edit a released migration: add the next one.
 * Kept as TypeScript so the same files work from source and from the compiled build.
 */
import { m001Identity } from './001-identity.js';
import { m002Documents } from './002-documents.js';
import { m003Query } from './003-query.js';
import { m004Generation } from './004-generation.js';
import { m005LexicalTitle } from './005-lexical-title.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [m001Identity, m002Documents, m003Query, m004Generation, m005LexicalTitle];
