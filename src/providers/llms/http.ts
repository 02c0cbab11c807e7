/**
 * The HTTP side of talking to a remote LLM: request headers, the timers of one exchange, and
 * turning every way a request can fail into an LlmError whose message is safe to show to API
 * clients (status, endpoint without query string, a short scrubbed body excerpt; never a secret).
 *
 * Timeouts of one exchange (all abort the upstream request):
 * - response: until the response headers arrive (for a non-streamed answer that is most of the work);
 * - idle: the longest silence allowed between two pieces of a response body;
 * - total: a deadline for the whole call, retries and backoff included, shared by its exchanges.
 */
import { LlmError } from '../../generation/types.js';

export type RemoteAuth = { type: 'bearer'; token: string } | { type: 'header'; header: string; value: string };

export interface Limits {
  responseTimeoutMs: number;
  idleTimeoutMs: number;
}

const EXCERPT_CHARS = 200;
/** Error bodies are read up to this size, then the rest is dropped: only an excerpt is kept. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;
/** Extra header values shorter than this are not scrubbed: they cannot be meaningful secrets, and scrubbing them would mangle messages. */
const MIN_SCRUBBED_CHARS = 8;

/** Failures that may go away on their own, so a retry (before any output) is worth it. */
export const TRANSIENT: ReadonlySet<LlmError['failure']> = new Set(['timeout', 'rate_limited', 'upstream', 'connection']);

/** An LlmError that also carries the upstream's Retry-After, for the retry loop. */
export class UpstreamFailure extends LlmError {
  constructor(
    failure: LlmError['failure'],
    message: string,
    status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(failure, message, status);
  }
}

/** Where requests go and how they are authenticated; also the one place that knows the secrets to scrub. */
export class RemoteEndpoint {
  /** `llm "name" (origin + path)`: how messages name the endpoint, without query string or user info. */
  readonly where: string;
  private readonly secrets: string[];

  constructor(
    name: string,
    readonly uri: string,
    private readonly auth?: RemoteAuth,
    private readonly extraHeaders: Record<string, string> = {},
  ) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new LlmError('rejected', `llm "${name}": invalid uri`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LlmError('rejected', `llm "${name}": uri must be http(s)`);
    // fetch refuses URLs with user info; say so up front rather than on every call.
    if (url.username || url.password) throw new LlmError('rejected', `llm "${name}": credentials in the uri are not supported, use auth`);
    this.where = `llm "${name}" (${url.origin}${url.pathname})`;
    // Some servers take their key in the query string, and any extra header may be a credential.
    const authSecret = auth?.type === 'bearer' ? auth.token : auth?.value;
    const others = [url.search.slice(1), ...url.searchParams.values(), ...Object.values(extraHeaders)];
    this.secrets = [...(authSecret ? [authSecret] : []), ...others.filter((s) => s.length >= MIN_SCRUBBED_CHARS)]
      .sort((a, b) => b.length - a.length); // longest first, so a secret containing another is removed whole
  }

  /**
   * JSON content type, then extra headers, then auth. Extra headers cannot override the content
   * type, the length or the auth header (names compared case-insensitively).
   */
  headers(accept: string): Record<string, string> {
    const reserved = new Set(['content-type', 'content-length', 'accept', 'host']);
    const auth: Record<string, string> = {};
    if (this.auth?.type === 'bearer') auth.authorization = `Bearer ${this.auth.token}`;
    else if (this.auth?.type === 'header') auth[this.auth.header] = this.auth.value;
    for (const name of Object.keys(auth)) reserved.add(name.toLowerCase());
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.extraHeaders)) {
      if (!reserved.has(name.toLowerCase())) out[name] = value;
    }
    return { ...out, 'content-type': 'application/json', accept, ...auth };
  }

  scrub(s: string): string {
    let out = s;
    for (const secret of this.secrets) out = out.replaceAll(secret, '[redacted]');
    return out;
  }

  /** A short, single-line excerpt of a body with the secrets scrubbed. */
  excerpt(body: string): string {
    const s = this.scrub(body).replace(/\s+/g, ' ').trim();
    if (!s) return '(empty body)';
    return s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS)}…` : s;
  }
}

/** The reason an exchange was stopped on purpose (its controller's abort reason). */
class Stopped {
  constructor(readonly error: LlmError) {}
}

/**
 * One HTTP request and its response: owns the AbortController, the response/idle timer, the
 * total deadline and the caller's signal. Every failure comes out of `failure()` as an LlmError.
 * Call `close()` when done (it also cancels an unfinished upstream request).
 */
export class Exchange {
  private readonly controller = new AbortController();
  /** Set once the response headers are in: a connection failure after that is a stream cut short. */
  private responding = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly deadlineTimer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.stop(abortedError(this.endpoint.where));

  constructor(
    private readonly endpoint: RemoteEndpoint,
    private readonly limits: Limits,
    deadline: number,
    private readonly signal?: AbortSignal,
  ) {
    const left = deadline - Date.now();
    this.deadlineTimer = setTimeout(
      () => this.stop(new LlmError('timeout', `${endpoint.where}: no complete answer within the total time limit`)),
      Math.max(0, left),
    );
    if (signal?.aborted) this.onCallerAbort();
    else signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** POSTs the body; resolves with a 2xx response (headers only), else throws the classified failure. */
  async post(body: unknown, accept: string): Promise<Response> {
    this.arm(this.limits.responseTimeoutMs, `no response within ${this.limits.responseTimeoutMs} ms`);
    let res: Response;
    try {
      res = await fetch(this.endpoint.uri, {
        method: 'POST',
        headers: this.endpoint.headers(accept),
        body: JSON.stringify(body),
        signal: this.controller.signal,
        // Never followed: a custom auth header would go along to wherever the redirect points.
        redirect: 'manual',
      });
    } catch (err) {
      throw this.failure(err);
    }
    this.responding = true;
    this.touch();
    if (res.ok) return res;
    const excerpt = this.endpoint.excerpt(await this.errorBody(res));
    const message = `${this.endpoint.where}: HTTP ${res.status}: ${excerpt}`;
    if (res.status === 429) throw new UpstreamFailure('rate_limited', message, 429, retryAfterMs(res.headers.get('retry-after')));
    if (res.status === 408) throw new UpstreamFailure('timeout', message, 408);
    if (res.status >= 500) throw new UpstreamFailure('upstream', message, res.status, retryAfterMs(res.headers.get('retry-after')));
    throw new UpstreamFailure('rejected', message, res.status);
  }

  /** Reads a whole (non-streamed) body as text, under the idle timer. */
  async text(res: Response): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    for await (const bytes of this.chunks(res)) text += decoder.decode(bytes, { stream: true });
    return text + decoder.decode();
  }

  /** The body's byte chunks as they arrive; each re-arms the idle timer. */
  async *chunks(res: Response): AsyncGenerator<Uint8Array> {
    if (!res.body) return;
    const reader = res.body.getReader();
    try {
      for (;;) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (err) {
          throw this.failure(err);
        }
        if (step.done) return;
        this.touch();
        yield step.value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  /** Re-arms the idle timer: called whenever something arrived. */
  touch(): void {
    this.arm(this.limits.idleTimeoutMs, `nothing received for ${this.limits.idleTimeoutMs} ms`);
  }

  /** Stops the timers and cancels the upstream request if it is still going. Idempotent. */
  close(): void {
    clearTimeout(this.timer);
    clearTimeout(this.deadlineTimer);
    this.signal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort(new Stopped(new LlmError('aborted', 'closed')));
  }

  /** Any error of fetch or of reading the body, as an LlmError; a deliberate stop wins over what fetch reports. */
  failure(err: unknown): LlmError {
    const reason: unknown = this.controller.signal.reason;
    if (this.controller.signal.aborted && reason instanceof Stopped) return reason.error;
    if (err instanceof LlmError) return err;
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const code = e.cause?.code;
    if (code) {
      const what = this.responding ? 'connection lost during the response' : 'connection failed';
      return new UpstreamFailure('connection', `${this.endpoint.where}: ${what}: ${code}`);
    }
    // e.g. an invalid header value: nothing a retry fixes, and the message may quote the secret.
    return new LlmError('rejected', `${this.endpoint.where}: request failed: ${this.endpoint.scrub(e.message ?? String(err))}`);
  }

  private stop(error: LlmError): void {
    if (!this.controller.signal.aborted) this.controller.abort(new Stopped(error));
  }

  private arm(ms: number, what: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(new UpstreamFailure('timeout', `${this.endpoint.where}: ${what}`)), ms);
  }

  /** At most MAX_ERROR_BODY_BYTES of an error body; a body that fails to arrive reads as empty. */
  private async errorBody(res: Response): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    try {
      for await (const chunk of this.chunks(res)) {
        text += decoder.decode(chunk, { stream: true });
        bytes += chunk.byteLength;
        if (bytes >= MAX_ERROR_BODY_BYTES) break;
      }
    } catch {
      // The status says enough; the excerpt is a courtesy.
    }
    await res.body?.cancel().catch(() => undefined);
    return text;
  }
}

/** The caller gave up (its AbortSignal fired); the upstream request is cancelled. */
export const abortedError = (where: string): LlmError => new LlmError('aborted', `${where}: request aborted by the client`);

/** Retry-After in ms (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
