/**
 * Every operation Quarry serves: the 62 of the seed's endpoint table (ids as in Vectara's
 * OpenAPI description) plus the form-encoded token alias. Routes are registered from this list,
 * and the app refuses to start if a route has no entry in the permission table (src/auth/policy.ts).
 */
export const OPERATIONS = [
  ['createCorpus', 'POST', '/v2/corpora'],
  ['listCorpora', 'GET', '/v2/corpora'],
  ['getCorpus', 'GET', '/v2/corpora/:corpus_key'],
  ['deleteCorpus', 'DELETE', '/v2/corpora/:corpus_key'],
  ['updateCorpus', 'PATCH', '/v2/corpora/:corpus_key'],
  ['resetCorpus', 'POST', '/v2/corpora/:corpus_key/reset'],
  ['replaceFilterAttributes', 'POST', '/v2/corpora/:corpus_key/replace_filter_attributes'],
  ['computeCorpusSize', 'POST', '/v2/corpora/:corpus_key/compute_size'],
  ['uploadFile', 'POST', '/v2/corpora/:corpus_key/upload_file'],
  ['createCorpusDocument', 'POST', '/v2/corpora/:corpus_key/documents'],
  ['listCorpusDocuments', 'GET', '/v2/corpora/:corpus_key/documents'],
  ['deleteCorpusDocument', 'DELETE', '/v2/corpora/:corpus_key/documents/:document_id'],
  ['getCorpusDocument', 'GET', '/v2/corpora/:corpus_key/documents/:document_id'],
  ['updateCorpusDocument', 'PATCH', '/v2/corpora/:corpus_key/documents/:document_id'],
  ['replaceCorpusDocumentMetadata', 'PUT', '/v2/corpora/:corpus_key/documents/:document_id/metadata'],
  ['summarizeCorpusDocument', 'POST', '/v2/corpora/:corpus_key/documents/:document_id/summarize'],
  ['searchCorpus', 'GET', '/v2/corpora/:corpus_key/query'],
  ['queryCorpus', 'POST', '/v2/corpora/:corpus_key/query'],
  ['query', 'POST', '/v2/query'],
  ['getQueryHistory', 'GET', '/v2/queries/:query_id'],
  ['getQueryHistories', 'GET', '/v2/queries'],
  ['createChat', 'POST', '/v2/chats'],
  ['listChats', 'GET', '/v2/chats'],
  ['getChat', 'GET', '/v2/chats/:chat_id'],
  ['deleteChat', 'DELETE', '/v2/chats/:chat_id'],
  ['createChatTurn', 'POST', '/v2/chats/:chat_id/turns'],
  ['listChatTurns', 'GET', '/v2/chats/:chat_id/turns'],
  ['getChatTurn', 'GET', '/v2/chats/:chat_id/turns/:turn_id'],
  ['deleteChatTurn', 'DELETE', '/v2/chats/:chat_id/turns/:turn_id'],
  ['updateChatTurn', 'PATCH', '/v2/chats/:chat_id/turns/:turn_id'],
  ['createLLM', 'POST', '/v2/llms'],
  ['listLLMs', 'GET', '/v2/llms'],
  ['getLLM', 'GET', '/v2/llms/:llm_id'],
  ['deleteLLM', 'DELETE', '/v2/llms/:llm_id'],
  ['createChatCompletion', 'POST', '/v2/llms/chat/completions'],
  ['listGenerationPresets', 'GET', '/v2/generation_presets'],
  ['evaluateFactualConsistency', 'POST', '/v2/evaluate_factual_consistency'],
  ['createEncoder', 'POST', '/v2/encoders'],
  ['listEncoders', 'GET', '/v2/encoders'],
  ['listRerankers', 'GET', '/v2/rerankers'],
  ['listTableExtractors', 'GET', '/v2/table_extractors'],
  ['listHallucinationCorrectors', 'GET', '/v2/hallucination_correctors'],
  ['correctHallucinations', 'POST', '/v2/hallucination_correctors/correct_hallucinations'],
  ['listJobs', 'GET', '/v2/jobs'],
  ['getJob', 'GET', '/v2/jobs/:job_id'],
  ['createUser', 'POST', '/v2/users'],
  ['listUsers', 'GET', '/v2/users'],
  ['getUser', 'GET', '/v2/users/:username'],
  ['updateUser', 'PATCH', '/v2/users/:username'],
  ['deleteUser', 'DELETE', '/v2/users/:username'],
  ['resetUserPassword', 'POST', '/v2/users/:username/reset_password'],
  ['createApiKey', 'POST', '/v2/api_keys'],
  ['listApiKeys', 'GET', '/v2/api_keys'],
  ['getApiKey', 'GET', '/v2/api_keys/:api_key_id'],
  ['updateApiKey', 'PATCH', '/v2/api_keys/:api_key_id'],
  ['deleteApiKey', 'DELETE', '/v2/api_keys/:api_key_id'],
  ['createAppClient', 'POST', '/v2/app_clients'],
  ['listAppClient', 'GET', '/v2/app_clients'],
  ['getAppClient', 'GET', '/v2/app_clients/:app_client_id'],
  ['updateAppClient', 'PATCH', '/v2/app_clients/:app_client_id'],
  ['deleteAppClient', 'DELETE', '/v2/app_clients/:app_client_id'],
  ['getOAuthToken', 'POST', '/oauth/token'],
  // Not a separate operation of the spec: the official SDKs post form-encoded requests here.
  ['getOAuthTokenForm', 'POST', '/oauth2/token'],
  // Quarry's own, outside Vectara's API: what the web console needs that v2 has no operation for.
  ['createConsoleSession', 'POST', '/quarry/session'],
  ['setUserPassword', 'POST', '/quarry/users/:username/password'],
  ['regeneratePersonalKey', 'POST', '/quarry/api_keys/:api_key_id/regenerate'],
] as const;

export type OperationId = (typeof OPERATIONS)[number][0];
export type HttpMethod = (typeof OPERATIONS)[number][1];

export const OPERATION_IDS: readonly OperationId[] = OPERATIONS.map(([id]) => id);

export function operation(id: OperationId): { method: HttpMethod; url: string } {
  const found = OPERATIONS.find(([opId]) => opId === id);
  if (!found) throw new Error(`unknown operation ${id}`);
  return { method: found[1], url: found[2] };
}
