import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ApiKeyService } from '../domain/identity/api-keys.js';
import type { AppClientService } from '../domain/identity/app-clients.js';
import type { UserService } from '../domain/identity/users.js';
import type { CorpusService } from '../domain/corpora/corpora.js';
import type { DocumentService } from '../domain/documents/documents.js';
import type { EncoderService } from '../domain/encoders/encoders.js';
import type { JobService } from '../domain/jobs/jobs.js';
import type { QueryService } from '../domain/query/query.js';
import type { QueryHistoryService } from '../domain/query/history.js';
import type { SessionService } from '../domain/identity/sessions.js';
import type { UploadService } from '../domain/documents/upload.js';
import type { RerankerModels } from '../domain/query/reranker-models.js';
import type { AnswerService } from '../domain/generation/answer.js';
import type { ChatService } from '../domain/chats/chats.js';
import type { ChatCompletions } from '../domain/generation/completions.js';
import type { FactualConsistency } from '../domain/generation/consistency.js';
import type { Correctors } from '../domain/generation/correctors.js';
import type { LlmService } from '../domain/generation/llms.js';
import type { DocumentSummaries } from '../domain/generation/summaries.js';
import { operation, type OperationId } from './operations.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The domain services route handlers call; built once by the composition root. */
export interface Services {
  apiKeys: ApiKeyService;
  users: UserService;
  appClients: AppClientService;
  corpora: CorpusService;
  documents: DocumentService;
  encoders: EncoderService;
  jobs: JobService;
  query: QueryService;
  queryHistory: QueryHistoryService;
  rerankers: RerankerModels;
  sessions: SessionService;
  uploads: UploadService;
  llms: LlmService;
  answers: AnswerService;
  chats: ChatService;
  completions: ChatCompletions;
  consistency: FactualConsistency;
  correctors: Correctors;
  summaries: DocumentSummaries;
}

/** Method, URL and the operation id the policy hook reads, for one operation of the catalogue. */
export function op(id: OperationId) {
  return { ...operation(id), config: { operationId: id } };
}
