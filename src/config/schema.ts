import { Type, type Static } from '@sinclair/typebox';

/** A local ONNX model that reads text pairs (a cross-encoder or a consistency classifier). */
const PairModelDir = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    path: Type.String({ minLength: 1 }),
    max_length: Type.Optional(Type.Integer({ minimum: 8, maximum: 8192 })),
  },
  { additionalProperties: false },
);

/**
 * Every setting Quarry reads, with its default. The loader (./load.ts) merges
 * defaults < config file < environment < command-line flags, validates once against this
 * schema and freezes the result; nothing else in the code reads process.env.
 */
export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1 }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
    /** Where the SQLite database and the master key live. */
    data_dir: Type.String({ default: './data', minLength: 1 }),
    log_level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /**
     * Browser origins allowed to call the API (CORS): `*` for any (API keys are sent explicitly,
     * never as cookies, so this is safe), a comma-separated list of origins, or `none`.
     */
    cors_origins: Type.String({ default: '*' }),
    /**
     * Corpora with at least this many vectors get an HNSW graph for unfiltered vector search
     * (built in the background; exact search until it is ready, and for filtered searches).
     */
    vector_graph_min_parts: Type.Integer({ default: 20_000, minimum: 1 }),
    /** Largest request body accepted, in bytes (Vectara accepts documents up to 10 MB). */
    body_limit_bytes: Type.Integer({ default: 10 * 1024 * 1024, minimum: 1024 }),
    auth: Type.Object(
      {
        /** Lifetime of OAuth access tokens issued to app clients. */
        token_ttl_seconds: Type.Integer({ default: 1800, minimum: 10 }),
        /**
         * Keep API key and app client secrets encrypted under the master key so they can be read
         * back (Vectara returns `secret_key` on reads). false makes secrets show-once.
         */
        store_secrets: Type.Boolean({ default: true }),
        /** Base64 of 32 bytes. Takes precedence over `master_key_file`. */
        master_key: Type.Optional(Type.String({ minLength: 1 })),
        /**
         * File holding the master key (base64), created with mode 0600 if missing. Defaults to
         * `<data_dir>/master.key`; point it at a secrets mount to keep it away from the data.
         */
        master_key_file: Type.Optional(Type.String({ minLength: 1 })),
      },
      { default: {} },
    ),
    /**
     * Threads the built-in encoder runs on, beside the main thread (0: on the main thread).
     * Embedding in a thread overlaps with parsing and storing other documents.
     */
    encoder_threads: Type.Integer({ default: 1, minimum: 0, maximum: 16 }),
    /**
     * Local ONNX embedding models (a directory with model.onnx and tokenizer.json), loaded fully
     * offline and offered as encoders under their names, beside the built-in one.
     */
    onnx_encoders: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          path: Type.String({ minLength: 1 }),
          pooling: Type.Optional(Type.Union([Type.Literal('mean'), Type.Literal('cls')])),
          query_prefix: Type.Optional(Type.String()),
          document_prefix: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    /**
     * Local ONNX cross-encoder models (model.onnx and tokenizer.json), offered as re-rankers under
     * their names (`reranker_name` in a customer_reranker), loaded on first use.
     */
    onnx_rerankers: Type.Array(
      PairModelDir,
      { default: [] },
    ),
    /**
     * Generation presets served by a registered LLM instead of the built-in extractive summariser:
     * preset name -> LLM name (for example `{"mockingbird-2.0": "my-vllm"}`).
     */
    generation_preset_llms: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), { default: {} }),
    /**
     * Local GGUF models run in-process through node-llama-cpp (install it: `npm i node-llama-cpp@3.21.1`),
     * offered as LLMs under their names; presets can be mapped to them (`generation_preset_llms`).
     */
    gguf_llms: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          path: Type.String({ minLength: 1 }),
          context_size: Type.Optional(Type.Integer({ minimum: 64, maximum: 131_072 })),
          threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
          parallel: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    /** How long Quarry waits for registered remote LLMs, and how often it retries them. */
    llm_requests: Type.Object(
      {
        /** Until the response headers arrive. */
        response_timeout_ms: Type.Integer({ default: 60_000, minimum: 1 }),
        /** Longest silence between streamed chunks. */
        idle_timeout_ms: Type.Integer({ default: 60_000, minimum: 1 }),
        /** The whole call, retries included. */
        total_timeout_ms: Type.Integer({ default: 300_000, minimum: 1 }),
        /** Retries of timeouts, 429s, 5xx and dropped connections, only before any output. */
        max_retries: Type.Integer({ default: 2, minimum: 0, maximum: 10 }),
        /** First backoff delay, doubled on each retry. */
        retry_base_ms: Type.Integer({ default: 500, minimum: 0 }),
      },
      { default: {} },
    ),
    /**
     * Local ONNX pair classifiers for factual consistency (an HHEM-style model directory with
     * model.onnx and tokenizer.json). The first one scores generated answers; each is also a
     * `model_name` of POST /v2/evaluate_factual_consistency.
     */
    onnx_consistency_models: Type.Array(
      PairModelDir,
      { default: [] },
    ),
    owner: Type.Object(
      {
        username: Type.String({ default: 'owner', minLength: 1 }),
        // `.localhost` is reserved, so the default can never reach a real mailbox, yet is a valid address.
        email: Type.String({ default: 'owner@quarry.localhost', minLength: 3 }),
      },
      { default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
