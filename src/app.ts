import cors from '@fastify/cors';
import formBody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { AuthCache } from './auth/auth-cache.js';
import { Authenticator } from './auth/authenticate.js';
import { loadMasterKey } from './auth/master-key.js';
import { SecretBox, tokenSigningKey } from './auth/secrets.js';
import { TokenIssuer } from './auth/tokens.js';
import type { Config } from './config/schema.js';
import { ApiKeyService } from './domain/identity/api-keys.js';
import { AppClientService } from './domain/identity/app-clients.js';
import { ensureOwner, type FirstStart } from './domain/identity/bootstrap.js';
import { UserService } from './domain/identity/users.js';
import type { OperationId } from './http/operations.js';
import { registerAuth } from './http/plugins/auth.js';
import { registerErrorHandling, send as sendError } from './http/plugins/error-handler.js';
import { QuarryError } from './domain/errors.js';
import { generateRequestId, registerRequestId } from './http/plugins/request-id.js';
import { apiKeyRoutes } from './http/routes/api-keys.js';
import { appClientRoutes } from './http/routes/app-clients.js';
import { corpusRoutes } from './http/routes/corpora.js';
import { notBuiltRoutes } from './http/routes/not-built.js';
import { oauthRoutes } from './http/routes/oauth.js';
import { userRoutes } from './http/routes/users.js';
import { documentRoutes } from './http/routes/documents.js';
import { encoderRoutes } from './http/routes/encoders.js';
import { jobRoutes } from './http/routes/jobs.js';
import { queryRoutes } from './http/routes/query.js';
import { chatRoutes } from './http/routes/chats.js';
import { llmRoutes } from './http/routes/llms.js';
import { generationRoutes } from './http/routes/generation.js';
import { AnswerService } from './domain/generation/answer.js';
import { ChatService } from './domain/chats/chats.js';
import { ChatCompletions } from './domain/generation/completions.js';
import { FactualConsistency } from './domain/generation/consistency.js';
import { Correctors } from './domain/generation/correctors.js';
import { LlmService } from './domain/generation/llms.js';
import { OpenAICompatibleLlm } from './providers/llms/openai-compatible.js';
import { DocumentSummaries } from './domain/generation/summaries.js';
import { TableSummaries } from './domain/generation/table-summaries.js';
import { QueryService } from './domain/query/query.js';
import { QueryHistoryService } from './domain/query/history.js';
import { RerankerModels } from './domain/query/reranker-models.js';
import { SessionService } from './domain/identity/sessions.js';
import { consoleApiRoutes } from './http/routes/console-api.js';
import { registerConsole } from './http/console.js';
import { UploadService } from './domain/documents/upload.js';
import { registerMultipart, uploadRoutes } from './http/routes/upload.js';
import { FilteredParts } from './retrieval/filtered-parts.js';
import { LexicalIndexes } from './retrieval/lexical/lexical-indexes.js';
import { VectorIndexes } from './retrieval/vector-index.js';
import { registerJsonBody } from './http/plugins/json-body.js';
import { CorpusService, replaceFilterAttributesJob } from './domain/corpora/corpora.js';
import { DocumentService } from './domain/documents/documents.js';
import { rebuildVectorsJob } from './domain/documents/rebuild-vectors.js';
import { compileDocumentFilter } from './domain/documents/filter.js';
import { EncoderService } from './domain/encoders/encoders.js';
import { JobService } from './domain/jobs/jobs.js';
import { JobRunner } from './domain/jobs/runner.js';
import { createEncoder } from './providers/encoders/registry.js';
import type { App, Services } from './http/types.js';
import { validatorCompiler } from './http/validation.js';
import type { Storage } from './storage/types.js';

export interface AppDeps {
  config: Readonly<Config>;
  storage: Storage;
  /** Benchmarks only: serve without authentication and policy hooks to measure what they cost. */
  unsafeDisableAuth?: boolean;
  /** Where log lines go (standard output by default); tests read them from here. */
  logStream?: NodeJS.WritableStream;
}

/** The app, with the services and storage the operator CLI and tests reach past HTTP. */
export type QuarryApp = App & { services: Services; storage: Storage; firstStart: () => Promise<FirstStart | null> };

/**
 * The composition root: builds every service from config and storage, and the HTTP app around
 * them. Nothing reads configuration at import time; tests build their own apps with their own config.
 * The storage is closed when the app closes.
 */
export async function buildApp({ config, storage, unsafeDisableAuth, logStream }: AppDeps): Promise<QuarryApp> {
  const app = Fastify({
    logger: {
      level: config.log_level,
      // Defence in depth: the default serializers do not log headers or bodies, and secrets live there.
      redact: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.body'],
      ...(logStream ? { stream: logStream } : {}),
    },
    genReqId: generateRequestId,
    bodyLimit: config.body_limit_bytes,
    return503OnClosing: true,
    // Usernames are e-mail addresses of up to 320 characters, percent-encoded in paths.
    routerOptions: { maxParamLength: 1024 },
    // Router errors (bad percent-encoding, over-long parameters) get the same body as any other.
    frameworkErrors: (err, request, reply) => {
      reply.header('x-request-id', request.id);
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendError(reply, request, tooLong
        ? new QuarryError(414, 'A path parameter is too long.')
        : new QuarryError(400, 'The URL is not validly percent-encoded.', { fieldErrors: {} }));
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as App;

  const masterKey = loadMasterKey({ data_dir: config.data_dir, ...config.auth });
  // Provider credentials are always sealed (they must be usable); `store_secrets` only decides
  // whether API key and client secrets can be read back.
  const vault = new SecretBox(masterKey);
  const secrets = config.auth.store_secrets ? vault : null;
  const tokens = new TokenIssuer(tokenSigningKey(masterKey), config.auth.token_ttl_seconds);
  const deps = { storage, secrets, tokens };
  const encoders = new EncoderService(storage, vault, createEncoder, config.onnx_encoders, config.encoder_threads);
  const handlers = {
    replace_filter_attributes: replaceFilterAttributesJob(storage),
    rebuild_vector_index: rebuildVectorsJob(storage, encoders),
  };
  const runner = new JobRunner(storage, handlers, app.log);
  const jobs = new JobService(storage, runner.wake);
  const rerankers = new RerankerModels(config.onnx_rerankers);
  const documents = new DocumentService(storage, encoders, compileDocumentFilter);
  const query = new QueryService(storage, encoders, new VectorIndexes(storage.search, config.vector_graph_min_parts, app.log), new LexicalIndexes(storage.search), new FilteredParts(storage.search), rerankers);
  const r = config.llm_requests;
  const llms = new LlmService(storage, vault, config.generation_preset_llms, (spec) =>
    new OpenAICompatibleLlm(spec, {
      responseTimeoutMs: r.response_timeout_ms,
      idleTimeoutMs: r.idle_timeout_ms,
      totalTimeoutMs: r.total_timeout_ms,
      maxRetries: r.max_retries,
      retryBaseMs: r.retry_base_ms,
    }),
    config.gguf_llms,
  );
  const consistency = new FactualConsistency(config.onnx_consistency_models);
  const answers = new AnswerService(query, llms, consistency);
  const services: Services = {
    apiKeys: new ApiKeyService(deps),
    users: new UserService(storage),
    appClients: new AppClientService(deps),
    corpora: new CorpusService(storage, jobs, (name) => encoders.exists(name)),
    documents,
    uploads: new UploadService(documents, new TableSummaries(llms)),
    encoders,
    jobs,
    query,
    queryHistory: new QueryHistoryService(storage),
    rerankers,
    sessions: new SessionService(storage, tokens),
    llms,
    answers,
    chats: new ChatService(storage, answers),
    completions: new ChatCompletions(llms),
    consistency,
    correctors: new Correctors(),
    summaries: new DocumentSummaries(documents, llms),
  };

  // Only JSON (and forms, for the token endpoint) are request bodies here; plain text is a 415.
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);
  app.setValidatorCompiler(validatorCompiler);
  registerRequestId(app);
  registerErrorHandling(app);
  registerAuth(app, { authenticator: new Authenticator(storage, tokens, new AuthCache(storage)), disabled: unsafeDisableAuth });
  await registerMultipart(app);
  await app.register(formBody, { bodyLimit: Math.min(64 * 1024, config.body_limit_bytes) });
  if (config.cors_origins !== 'none') {
    const origins = config.cors_origins.split(',').map((o) => o.trim()).filter(Boolean);
    await app.register(cors, {
      origin: origins.includes('*') ? true : origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['x-api-key', 'authorization', 'content-type', 'request-timeout', 'request-timeout-millis', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
  }

  const built = new Set<OperationId>();
  app.addHook('onRoute', (route) => {
    const id = (route.config as { operationId?: OperationId } | undefined)?.operationId;
    if (id) built.add(id);
  });
  const modules = [apiKeyRoutes, userRoutes, appClientRoutes, oauthRoutes, corpusRoutes, documentRoutes, jobRoutes, encoderRoutes, queryRoutes, chatRoutes, llmRoutes, generationRoutes, consoleApiRoutes, uploadRoutes];
  for (const routes of modules) routes(app, services);
  notBuiltRoutes(app, built);

  await registerConsole(app);

  app.get('/healthz', async () => {
    await storage.ping();
    return { status: 'ok' };
  });

  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => {
    await runner.stop();
    await encoders.close();
    await rerankers.close();
    await consistency.close();
    await llms.close();
    await storage.close();
  });

  const quarry = app as QuarryApp;
  quarry.decorate('services', services);
  quarry.decorate('storage', storage);
  quarry.decorate('firstStart', () =>
    ensureOwner(config, services.users, services.apiKeys, () => storage.users.count()),
  );
  return quarry;
}
