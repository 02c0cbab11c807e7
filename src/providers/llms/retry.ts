/**
 * Bounded retries for remote LLM calls.
 *
 * Contract: `retrying` yields what one attempt yields. A transient failure (timeout, 429, 5xx,
 * connection) that happens before the first item is retried after an exponential backoff, at most
 * `maxRetries` times and never past the call's deadline. Once an item has been yielded nothing is
 * retried: the consumer already has part of an answer, and a second attempt would not continue it
 * but write a different one. A Retry-After is honoured when it is short (up to maxRetryAfterMs);
 * a longer one ends the call at once, as retrying earlier than the server asks is pointless.
 */
import { LlmError } from '../../generation/types.js';
import { abortedError, TRANSIENT, UpstreamFailure } from './http.js';

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
}

export interface CallContext {
  /** Epoch ms after which no new attempt or backoff starts. */
  deadline: number;
  signal?: AbortSignal;
  /** How messages name the endpoint. */
  where: string;
}

export async function* retrying<T>(attempt: () => AsyncIterable<T>, policy: RetryPolicy, call: CallContext): AsyncGenerator<T> {
  let yielded = false;
  for (let n = 0; ; n++) {
    if (call.signal?.aborted) throw abortedError(call.where);
    try {
      for await (const item of attempt()) {
        yielded = true;
        yield item;
      }
      return;
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      if (yielded || !TRANSIENT.has(err.failure)) throw after(err, n + 1);
      const retryAfter = err instanceof UpstreamFailure ? err.retryAfterMs : undefined;
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
        throw new LlmError(err.failure, `${err.message} (the server asks to retry after ${Math.ceil(retryAfter / 1000)} s)`, err.upstreamStatus);
      }
      const delay = Math.max(policy.retryBaseMs * 2 ** n, retryAfter ?? 0);
      if (n >= policy.maxRetries || Date.now() + delay >= call.deadline) throw after(err, n + 1);
      await sleep(delay, call);
    }
  }
}

/** The final error: a plain LlmError, saying how many attempts were made when there were several. */
function after(err: LlmError, attempts: number): LlmError {
  return new LlmError(err.failure, attempts > 1 ? `${err.message} (after ${attempts} attempts)` : err.message, err.upstreamStatus);
}

function sleep(ms: number, call: CallContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(call.where));
    };
    const timer = setTimeout(() => {
      call.signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    call.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
