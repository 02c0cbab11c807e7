/**
 * The permission matrix's source of truth (see ../permission-matrix.test.ts): the seed's endpoint
 * table ("Allowed Key Types") transcribed as written, and PRODUCT.md's documented reading of it
 * (keys nest; IndexService keys may also write documents in their own corpora).
 */
import type { SpecOperation } from '../../helpers/spec.js';

// The seed's endpoint table, transcribed: method, path, allowed key types.
const QP = 'QueryService Key, Personal Key';
const IP = 'IndexService Key, Personal Key';
const P = 'Personal Key';

export const SEED_TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['POST', '/v2/corpora', P],
  ['GET', '/v2/corpora', QP],
  ['GET', '/v2/corpora/{corpus_key}', QP],
  ['DELETE', '/v2/corpora/{corpus_key}', P],
  ['PATCH', '/v2/corpora/{corpus_key}', P],
  ['POST', '/v2/corpora/{corpus_key}/reset', P],
  ['POST', '/v2/corpora/{corpus_key}/replace_filter_attributes', P],
  ['POST', '/v2/corpora/{corpus_key}/compute_size', P],
  ['POST', '/v2/corpora/{corpus_key}/upload_file', P],
  ['POST', '/v2/corpora/{corpus_key}/documents', P],
  ['GET', '/v2/corpora/{corpus_key}/documents', QP],
  ['DELETE', '/v2/corpora/{corpus_key}/documents/{document_id}', P],
  ['GET', '/v2/corpora/{corpus_key}/documents/{document_id}', QP],
  ['PATCH', '/v2/corpora/{corpus_key}/documents/{document_id}', P],
  ['PUT', '/v2/corpora/{corpus_key}/documents/{document_id}/metadata', IP],
  ['POST', '/v2/corpora/{corpus_key}/documents/{document_id}/summarize', P],
  ['GET', '/v2/corpora/{corpus_key}/query', QP],
  ['POST', '/v2/corpora/{corpus_key}/query', QP],
  ['POST', '/v2/query', QP],
  ['GET', '/v2/queries/{query_id}', QP],
  ['GET', '/v2/queries', QP],
  ['POST', '/v2/chats', IP],
  ['GET', '/v2/chats', QP],
  ['GET', '/v2/chats/{chat_id}', QP],
  ['DELETE', '/v2/chats/{chat_id}', P],
  ['POST', '/v2/chats/{chat_id}/turns', IP],
  ['GET', '/v2/chats/{chat_id}/turns', QP],
  ['GET', '/v2/chats/{chat_id}/turns/{turn_id}', QP],
  ['DELETE', '/v2/chats/{chat_id}/turns/{turn_id}', P],
  ['PATCH', '/v2/chats/{chat_id}/turns/{turn_id}', IP],
  ['POST', '/v2/llms', IP],
  ['GET', '/v2/llms', QP],
  ['GET', '/v2/llms/{llm_id}', QP],
  ['DELETE', '/v2/llms/{llm_id}', P],
  ['POST', '/v2/llms/chat/completions', IP],
  ['GET', '/v2/generation_presets', QP],
  ['POST', '/v2/evaluate_factual_consistency', P],
  ['POST', '/v2/encoders', IP],
  ['GET', '/v2/encoders', QP],
  ['GET', '/v2/rerankers', QP],
  ['GET', '/v2/table_extractors', QP],
  ['GET', '/v2/hallucination_correctors', QP],
  ['POST', '/v2/hallucination_correctors/correct_hallucinations', P],
  ['GET', '/v2/jobs', QP],
  ['GET', '/v2/jobs/{job_id}', QP],
  ['POST', '/v2/users', P],
  ['GET', '/v2/users', P],
  ['GET', '/v2/users/{username}', P],
  ['PATCH', '/v2/users/{username}', P],
  ['DELETE', '/v2/users/{username}', P],
  ['POST', '/v2/users/{username}/reset_password', P],
  ['POST', '/v2/api_keys', P],
  ['GET', '/v2/api_keys', P],
  ['GET', '/v2/api_keys/{api_key_id}', P],
  ['PATCH', '/v2/api_keys/{api_key_id}', P],
  ['DELETE', '/v2/api_keys/{api_key_id}', P],
  ['POST', '/v2/app_clients', IP],
  ['GET', '/v2/app_clients', QP],
  ['GET', '/v2/app_clients/{app_client_id}', QP],
  ['PATCH', '/v2/app_clients/{app_client_id}', IP],
  ['DELETE', '/v2/app_clients/{app_client_id}', P],
  // Listed as "Personal Key" in the seed, but the spec marks it public (`security: []`): it
  // authenticates the app client by the credentials in its body. Asserted separately below.
  ['POST', '/oauth/token', P],
];

export type KeyType = 'query' | 'index' | 'personal';
export const RANK: Record<KeyType, number> = { query: 1, index: 2, personal: 3 };

/** The narrowest key type a row of the seed allows (keys nest, so wider ones are allowed too). */
function narrowestOf(allowed: string): KeyType {
  if (allowed.includes('QueryService')) return 'query';
  if (allowed.includes('IndexService')) return 'index';
  return 'personal';
}

/** PRODUCT.md: "zwt_ keys may also add, upload, update and delete documents in their own corpora". */
const INDEX_WRITES = new Set([
  'uploadFile', 'createCorpusDocument', 'deleteCorpusDocument', 'updateCorpusDocument', 'replaceCorpusDocumentMetadata',
]);

/** Corpus-scoped through `search.corpora[].corpus_key` in the body. */
const BODY_SCOPED = new Set(['POST /v2/query', 'POST /v2/chats', 'POST /v2/chats/{chat_id}/turns']);

export function seedRow(op: SpecOperation): readonly [string, string, string] | undefined {
  return SEED_TABLE.find(([m, p]) => m === op.method && p === op.path);
}

export function neededKey(op: SpecOperation): KeyType {
  const row = seedRow(op);
  if (!row) throw new Error(`${op.method} ${op.path} (${op.operationId}) has no row in the seed table transcribed here`);
  const fromSeed = narrowestOf(row[2]);
  return INDEX_WRITES.has(op.operationId) && RANK[fromSeed] > RANK.index ? 'index' : fromSeed;
}

export function isCorpusScoped(op: SpecOperation): boolean {
  return op.path.startsWith('/v2/corpora/{corpus_key}') || BODY_SCOPED.has(`${op.method} ${op.path}`);
}

export const isPublic = (op: SpecOperation): boolean => Array.isArray(op.security) && op.security.length === 0;
