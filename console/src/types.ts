/** The API shapes the console reads (only the fields it uses). */
export type ApiKeyRole = 'serving' | 'serving_and_indexing' | 'personal';

export interface ApiKey {
  id: string;
  name: string;
  secret_key?: string;
  enabled: boolean;
  api_key_role: ApiKeyRole;
  corpus_keys?: string[];
  created_at?: string;
}

export interface Corpus {
  id?: string;
  key: string;
  name?: string;
  enabled?: boolean;
  limits?: { used_docs?: number; used_parts?: number; used_bytes?: number; used_characters?: number };
  created_at?: string;
}

export interface CorpusRole {
  corpus_key: string;
  role: string;
}

export interface User {
  id?: string;
  username: string;
  email?: string;
  enabled?: boolean;
  api_roles?: string[];
  corpus_roles?: CorpusRole[];
}

export interface AppClient {
  id: string;
  name: string;
  client_id?: string;
  client_secret?: string;
  api_roles?: string[];
}

export interface SearchResult {
  text?: string;
  score?: number;
  document_id?: string;
  part_metadata?: Record<string, unknown>;
  document_metadata?: Record<string, unknown>;
}

export interface Named {
  name: string;
}

export const ACCOUNT_ROLES = [
  'owner',
  'administrator',
  'billing_administrator',
  'corpus_administrator',
  'corpus_developer',
] as const;
