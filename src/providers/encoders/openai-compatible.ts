/**
 * Encoder for any server that speaks the OpenAI embeddings protocol (OpenAI, Ollama, vLLM, TEI,
 * LiteLLM…), described like Vectara's CreateOpenAIEncoderRequest.
 *
 * Request:  POST {uri} {"model", "input": [texts], "dimensions"?}  (dimensions = output_dimensions)
 * Response: {"data": [{"index", "embedding": [floats]}, …]}  — reordered by index.
 *
 * Contract details:
 * - Texts are sent in batches of at most `maxBatch`, one batch at a time, results in input order.
 * - Each request has a timeout. 429, 5xx, timeouts and network errors are retried a bounded number
 *   of times with exponential backoff (honouring a short Retry-After); if they still fail the
 *   EncoderError is `retryable`. Other HTTP errors and malformed responses fail at once.
 * - Error messages carry the status, the endpoint without its query string, and a short body
 *   excerpt; never the credential (it is also scrubbed from the excerpt).
 * - Vectors are L2-normalised here, as not every server does it. The vector size is the one
 *   configured (`dimensions`, else `output_dimensions`) or else learned from the first response;
 *   any response with another size is an error.
 */
import type { EmbeddingKind, Encoder } from './types.js';
import { EncoderError } from './types.js';

export type RemoteAuth = { type: 'bearer'; token: string } | { type: 'header'; header: string; value: string };

export interface OpenAICompatibleSpec {
  name: string;
  /** The full embeddings endpoint, e.g. http://localhost:11434/v1/embeddings. */
  uri: string;
  model: string;
  /** Sent as `dimensions` (models that can shorten their vectors). */
  output_dimensions?: number;
  /** The expected vector size when already known (e.g. probed when the encoder was registered). */
  dimensions?: number;
  auth?: RemoteAuth;
}

export interface RemoteOptions {
  /** Texts per request (default 64). */
  maxBatch?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 2). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry (default 250). */
  retryBaseMs?: number;
}

const EXCERPT_CHARS = 200;
const MAX_RETRY_AFTER_MS = 5_000;

export class OpenAICompatibleEncoder implements Encoder {
  readonly name: string;
  private knownDimensions: number;
  private readonly endpoint: string;
  private readonly opts: Required<RemoteOptions>;

  constructor(
    private readonly spec: OpenAICompatibleSpec,
    options: RemoteOptions = {},
  ) {
    let url: URL;
    try {
      url = new URL(spec.uri);
    } catch {
      throw new EncoderError(`encoder "${spec.name}": invalid uri`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EncoderError(`encoder "${spec.name}": uri must be http(s)`);
    this.name = spec.name;
    this.endpoint = `${url.origin}${url.pathname}`; // for messages: no credentials or query string
    this.knownDimensions = spec.dimensions ?? spec.output_dimensions ?? 0;
    this.opts = {
      maxBatch: Math.max(1, options.maxBatch ?? 64),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: Math.max(0, options.maxRetries ?? 2),
      retryBaseMs: options.retryBaseMs ?? 250,
    };
  }

  /** The vector size; 0 until configured or learned from the first response. */
  get dimensions(): number {
    return this.knownDimensions;
  }

  async embed(texts: readonly string[], _kind: EmbeddingKind): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.opts.maxBatch) {
      out.push(...(await this.embedBatchWithRetry(texts.slice(start, start + this.opts.maxBatch))));
    }
    return out;
  }

  private async embedBatchWithRetry(batch: readonly string[]): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.embedBatch(batch);
      } catch (err) {
        if (!(err instanceof RetryableFailure)) throw err;
        if (attempt >= this.opts.maxRetries) throw new EncoderError(`${err.message} (after ${attempt + 1} attempts)`, true);
        const backoff = this.opts.retryBaseMs * 2 ** attempt;
        await sleep(Math.max(backoff, Math.min(err.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
      }
    }
  }

  private async embedBatch(batch: readonly string[]): Promise<Float32Array[]> {
    const where = `encoder "${this.name}" (${this.endpoint})`;
    const body: Record<string, unknown> = { model: this.spec.model, input: batch };
    if (this.spec.output_dimensions !== undefined) body.dimensions = this.spec.output_dimensions;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.spec.uri, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.authHeaders() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        // Never followed: a custom auth header would go along to wherever the redirect points.
        redirect: 'manual',
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') throw new RetryableFailure(`${where}: timed out after ${this.opts.timeoutMs} ms`);
      if (e.cause?.code) throw new RetryableFailure(`${where}: request failed: ${e.cause.code}`);
      // e.g. an invalid header value: not worth retrying, and the message may quote the secret.
      throw new EncoderError(`${where}: request failed: ${this.scrub(e.message)}`);
    }
    if (!res.ok) {
      const message = `${where}: HTTP ${res.status}: ${this.excerpt(text)}`;
      if (res.status === 429 || res.status === 408 || res.status >= 500) {
        throw new RetryableFailure(message, retryAfterMs(res.headers.get('retry-after')));
      }
      throw new EncoderError(message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EncoderError(`${where}: response is not JSON: ${this.excerpt(text)}`);
    }
    return this.vectorsFrom(json, batch.length, where);
  }

  private vectorsFrom(json: unknown, expected: number, where: string): Float32Array[] {
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new EncoderError(`${where}: response has no "data" array`);
    if (data.length !== expected) throw new EncoderError(`${where}: expected ${expected} embeddings, got ${data.length}`);
    const slots: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(expected);
    data.forEach((item: unknown, position) => {
      const { index = position, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || slots[index]) {
        throw new EncoderError(`${where}: bad or duplicate embedding index ${JSON.stringify(index)}`);
      }
      if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new EncoderError(`${where}: embedding ${index} is not an array of finite numbers`);
      }
      if (this.knownDimensions === 0) this.knownDimensions = embedding.length;
      if (embedding.length !== this.knownDimensions) {
        throw new EncoderError(`${where}: embedding ${index} has ${embedding.length} dimensions, expected ${this.knownDimensions}`);
      }
      slots[index] = normalise(Float32Array.from(embedding as number[]));
    });
    return slots as Float32Array[];
  }

  private authHeaders(): Record<string, string> {
    const auth = this.spec.auth;
    if (!auth) return {};
    return auth.type === 'bearer' ? { authorization: `Bearer ${auth.token}` } : { [auth.header]: auth.value };
  }

  /** A short, single-line body excerpt with the credential scrubbed. */
  private excerpt(body: string): string {
    const s = this.scrub(body.replace(/\s+/g, ' ').trim());
    if (!s) return '(empty body)';
    return s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS)}…` : s;
  }

  private scrub(s: string): string {
    const auth = this.spec.auth;
    const secret = auth?.type === 'bearer' ? auth.token : auth?.value;
    return secret ? s.replaceAll(secret, '[redacted]') : s;
  }
}

/** Internal: a failure worth retrying; becomes a retryable EncoderError when retries run out. */
class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  if (sum === 0) return v; // nothing to scale; passed through rather than invented
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) * inv;
  return v;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
