/**
 * Storage interfaces. Domain services depend on these only; adapters (sqlite/, later postgres/)
 * implement them, and test/contract/ runs one suite against every adapter.
 *
 * Contract for every repository method: it is atomic on its own (all or nothing), and returns
 * plain records (no live rows). Times are ISO-8601 strings in UTC. Lists come in creation order
 * (which keyset paging relies on). Regular expressions reach adapters already checked as valid
 * JavaScript patterns. Ids, usernames, client ids and secret hashes are unique; services check
 * usernames before creating, and adapters may reject a duplicate with any error. Bindings and roles
 * name existing corpora (services resolve keys first). A list filter given as an empty id list
 * matches nothing.
 */

import type { QueryHistoryRepository, SearchRepository } from './search-types.js';
import type { ChatRepository, LlmRepository } from './generation-types.js';

export type {
  PartsVersion,
  PartTerms,
  PartFilter,
  LexicalHit,
  HitRecord,
  SearchRepository,
  QueryHistoryRecord,
  QueryHistoryFilter,
  QueryHistoryRepository,
} from './search-types.js';

export type {
  LlmRecord,
  NewLlm,
  LlmRepository,
  ChatRecord,
  TurnRecord,
  NewChat,
  NewTurn,
  ChatRepository,
} from './generation-types.js';

export type ApiRole =
  | 'owner'
  | 'administrator'
  | 'billing_administrator'
  | 'corpus_administrator'
  | 'corpus_developer'
  | 'agent_administrator'
  | 'agent_viewer'
  | 'agent_developer';

export type CorpusRoleName = 'owner' | 'administrator' | 'editor' | 'viewer';

/** A per-corpus role, stored against the corpus's internal id so a re-created key never inherits it. */
export interface CorpusRoleGrant {
  corpus_id: number;
  role: CorpusRoleName;
}

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  description: string | null;
  enabled: boolean;
  api_roles: ApiRole[];
  corpus_roles: CorpusRoleGrant[];
  password_hash: string | null;
  /** Hash of the one-time code from a password reset, and when it stops working. */
  reset_code_hash: string | null;
  reset_code_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type NewUser = Omit<UserRecord, 'password_hash' | 'reset_code_hash' | 'reset_code_expires_at' | 'created_at' | 'updated_at'>;
export type UserPatch = Partial<Pick<UserRecord, 'enabled' | 'description' | 'api_roles' | 'corpus_roles'>>;

export type ApiKeyRole = 'serving' | 'serving_and_indexing' | 'personal';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  enabled: boolean;
  /** The user a personal key belongs to (deleting the user deletes it); null for corpus keys. */
  user_id: string | null;
  /** Who created the key (a user or app client id), for the record. */
  created_by: string | null;
  /** Internal ids of the corpora a serving key is bound to; always empty (and ignored on create) for personal keys. */
  corpus_ids: number[];
  /** SHA-256 of the secret, hex: the look-up key. */
  secret_hash: string;
  /** The secret encrypted under the master key, or null when secrets are show-once. */
  secret_encrypted: string | null;
  created_at: string;
  updated_at: string;
}

export type NewApiKey = Omit<ApiKeyRecord, 'created_at' | 'updated_at' | 'enabled'>;

export interface AppClientRecord {
  id: string;
  name: string;
  description: string | null;
  client_id: string;
  client_secret_hash: string;
  client_secret_encrypted: string | null;
  api_roles: ApiRole[];
  created_at: string;
  updated_at: string;
}

export type NewAppClient = Omit<AppClientRecord, 'created_at' | 'updated_at'>;
export type AppClientPatch = Partial<Pick<AppClientRecord, 'description' | 'api_roles'>>;

export interface FilterAttributeRecord {
  name: string;
  level: 'document' | 'part';
  description?: string;
  indexed: boolean;
  type: 'integer' | 'real_number' | 'text' | 'boolean' | 'list[integer]' | 'list[real_number]' | 'list[text]';
}

export interface CustomDimensionRecord {
  name: string;
  description?: string;
  indexing_default: number;
  querying_default: number;
}

export interface CorpusRecord {
  /** Internal numeric id; the API shows it as `crp_<id>`. */
  id: number;
  key: string;
  name: string;
  description: string;
  enabled: boolean;
  save_history: boolean;
  queries_are_answers: boolean;
  documents_are_questions: boolean;
  encoder_name: string;
  filter_attributes: FilterAttributeRecord[];
  custom_dimensions: CustomDimensionRecord[];
  /** Fixed by the first vector stored; every later vector must match it. */
  vector_dimensions: number | null;
  created_at: string;
}

export type NewCorpus = Omit<CorpusRecord, 'id' | 'created_at' | 'enabled' | 'vector_dimensions'>;
export type CorpusPatch = Partial<Pick<CorpusRecord, 'enabled' | 'name' | 'description' | 'save_history' | 'filter_attributes'>>;

/** Keyset paging: `after` is the opaque position returned as `next` by the previous page. */
export interface PageRequest {
  limit: number;
  after?: number;
}

export interface Page<T> {
  items: T[];
  /** Position to pass as `after` for the next page; absent on the last page. */
  next?: number;
}

export interface UserRepository {
  create(user: NewUser): Promise<UserRecord>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  getById(id: string): Promise<UserRecord | undefined>;
  list(page: PageRequest, filter?: { corpusId?: number }): Promise<Page<UserRecord>>;
  update(username: string, patch: UserPatch): Promise<UserRecord | undefined>;
  setPassword(username: string, passwordHash: string | null): Promise<boolean>;
  setResetCode(username: string, codeHash: string | null, expiresAt: string | null): Promise<boolean>;
  /** Deletes the user and every API key that belongs to it. */
  delete(username: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  getById(id: string): Promise<ApiKeyRecord | undefined>;
  getBySecretHash(hash: string): Promise<ApiKeyRecord | undefined>;
  list(
    page: PageRequest,
    filter?: { corpusId?: number; role?: ApiKeyRole; userId?: string },
  ): Promise<Page<ApiKeyRecord>>;
  setEnabled(id: string, enabled: boolean): Promise<ApiKeyRecord | undefined>;
  /** Replaces the secret (personal key regeneration); the old secret stops matching at once. */
  replaceSecret(id: string, secretHash: string, secretEncrypted: string | null): Promise<ApiKeyRecord | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface AppClientRepository {
  create(client: NewAppClient): Promise<AppClientRecord>;
  getById(id: string): Promise<AppClientRecord | undefined>;
  getByClientId(clientId: string): Promise<AppClientRecord | undefined>;
  /** `nameRegex` is a JavaScript regular expression matched against the name. */
  list(page: PageRequest, filter?: { nameRegex?: string }): Promise<Page<AppClientRecord>>;
  update(id: string, patch: AppClientPatch): Promise<AppClientRecord | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface CorpusRepository {
  /** Throws `conflict` when the key is taken. */
  create(corpus: NewCorpus): Promise<CorpusRecord>;
  getByKey(key: string): Promise<CorpusRecord | undefined>;
  getById(id: number): Promise<CorpusRecord | undefined>;
  getManyByKey(keys: string[]): Promise<CorpusRecord[]>;
  /**
   * `onlyIds` restricts to those corpora (a bound key's view); `nameRegex` matches name or
   * description; `ids` is the spec's `corpus_id` filter.
   */
  list(
    page: PageRequest,
    filter?: { onlyIds?: number[]; nameRegex?: string; ids?: number[] },
  ): Promise<Page<CorpusRecord>>;
  update(key: string, patch: CorpusPatch): Promise<CorpusRecord | undefined>;
  /** Deletes the corpus, its data, and its bindings to keys and user roles. */
  delete(key: string): Promise<boolean>;
}

export interface StorageCapabilities {
  /** Several Quarry processes may share this storage. */
  sharedAcrossNodes: boolean;
}

export interface Storage {
  readonly kind: string;
  readonly capabilities: StorageCapabilities;
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly appClients: AppClientRepository;
  readonly corpora: CorpusRepository;
  readonly documents: DocumentRepository;
  readonly jobs: JobRepository;
  readonly encoders: EncoderRepository;
  readonly search: SearchRepository;
  readonly queryHistory: QueryHistoryRepository;
  readonly llms: LlmRepository;
  readonly chats: ChatRepository;
  /** A cheap round trip, used by the health check. */
  ping(): Promise<void>;
  /**
   * A number that changes whenever users, API keys, their corpus bindings, app clients or corpora
   * change, whichever process made the change. Credential caches compare it on every request.
   */
  authEpoch(): Promise<number>;
  /**
   * The same number read synchronously, for storage that can (embedded SQLite); lets the
   * authentication hook answer from its cache without leaving the current tick.
   */
  authEpochSync?(): number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Documents, jobs, encoders

export interface StoredPart {
  text: string;
  context: string | null;
  metadata: Record<string, unknown>;
  custom_dimensions: Record<string, number>;
  is_title: boolean;
  lang: string | null;
  offset: number;
  section_path: number[] | null;
  table_id: string | null;
  /** L2-normalised embedding; its length is the corpus's vector dimension. */
  vector: Float32Array;
}

export interface NewDocument {
  corpus_id: number;
  doc_id: string;
  /** Title indexed lexically with every part (from metadata.title or the structured title). */
  title: string | null;
  metadata: Record<string, unknown>;
  tables: unknown[];
  images: unknown[];
  parts: StoredPart[];
}

export interface DocumentRecord {
  seq: number;
  corpus_id: number;
  doc_id: string;
  metadata: Record<string, unknown>;
  tables: unknown[];
  images: unknown[];
  text_chars: number;
  metadata_chars: number;
  created_at: string;
}

export type PartRecord = Omit<StoredPart, 'vector'> & { id: number; part_index: number };

export interface CorpusUsage {
  docs: number;
  parts: number;
  characters: number;
  metadata_characters: number;
}

/** A compiled metadata filter: a SQL fragment over the documents table aliased `d`. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

export interface DocumentRepository {
  /**
   * Stores a document with all its parts, their lexical postings and vectors in one transaction:
   * afterwards the document is wholly present or (on any error, or a crash) wholly absent.
   * Throws `conflict` when the corpus already has a document with that id, and refuses vectors
   * whose dimension differs from the corpus's (the first document fixes it).
   */
  create(doc: NewDocument): Promise<DocumentRecord>;
  get(corpusId: number, docId: string): Promise<DocumentRecord | undefined>;
  parts(docSeq: number): Promise<PartRecord[]>;
  list(corpusId: number, page: PageRequest, filter?: SqlFilter): Promise<Page<DocumentRecord>>;
  setMetadata(corpusId: number, docId: string, metadata: Record<string, unknown>): Promise<DocumentRecord | undefined>;
  /** Removes the document, its parts, postings and vectors. */
  delete(corpusId: number, docId: string): Promise<boolean>;
  /** Removes every document of the corpus (reset), keeping the corpus and its settings. */
  deleteAll(corpusId: number): Promise<number>;
  usage(corpusId: number): Promise<CorpusUsage>;
  /** Part texts in id order after `afterId`, for re-embedding. */
  partTexts(corpusId: number, afterId: number, limit: number): Promise<Array<{ id: number; text: string }>>;
  /** Replaces stored vectors (one transaction); they must have the corpus's dimension. */
  setVectors(corpusId: number, vectors: Array<{ id: number; vector: Float32Array }>): Promise<void>;
}

export type JobState = 'queued' | 'started' | 'completed' | 'failed' | 'failed_will_retry' | 'aborted';
export type JobType = 'replace_filter_attributes' | 'rebuild_vector_index';

export interface JobRecord {
  id: string;
  type: JobType;
  corpus_id: number | null;
  corpus_key: string | null;
  state: JobState;
  payload: Record<string, unknown>;
  error: string | null;
  attempts: number;
  created_by_username: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export type NewJob = Pick<JobRecord, 'id' | 'type' | 'corpus_id' | 'corpus_key' | 'payload' | 'created_by_username'>;

export interface JobRepository {
  create(job: NewJob): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  list(
    page: PageRequest,
    filter?: { corpusIds?: number[]; states?: JobState[]; createdAfter?: string },
  ): Promise<Page<JobRecord>>;
  /** Atomically moves the oldest queued job to `started` and returns it; undefined when none. */
  claimNext(): Promise<JobRecord | undefined>;
  finish(id: string, state: 'completed' | 'failed' | 'aborted', error?: string): Promise<void>;
  /** After a crash: jobs left `started` go back to `queued`. Returns how many. */
  requeueStarted(): Promise<number>;
}

export interface EncoderRecord {
  /** Numeric id; the API shows `enc_<id>`. Below 100 are built-ins, which are not stored. */
  id: number;
  name: string;
  type: string;
  description: string | null;
  /** Non-secret settings: uri, model, path… */
  config: Record<string, unknown>;
  /** Authentication settings sealed under the master key. */
  auth_encrypted: string | null;
  output_dimensions: number | null;
  enabled: boolean;
  created_at: string;
}

export type NewEncoder = Omit<EncoderRecord, 'id' | 'created_at' | 'enabled'>;

export interface EncoderRepository {
  /** Throws `conflict` when the name is taken. */
  create(encoder: NewEncoder): Promise<EncoderRecord>;
  getByName(name: string): Promise<EncoderRecord | undefined>;
  list(page: PageRequest, filter?: { nameRegex?: string }): Promise<Page<EncoderRecord>>;
}
