import { LlmError } from '../../generation/types.js';
import { QuarryError } from '../errors.js';

/**
 * The one mapping of a failing model to HTTP terms: a timeout is a 504, the model's own rate limit
 * a 429, anything else the model or its server did wrong a 502. Other errors pass through.
 */
export function llmFailure(err: unknown): unknown {
  if (!(err instanceof LlmError)) return err;
  const status = err.failure === 'timeout' ? 504 : err.failure === 'rate_limited' ? 429 : 502;
  return new QuarryError(status, `The LLM failed: ${err.message}`);
}
