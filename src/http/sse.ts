import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QuarryError } from '../domain/errors.js';
import { clientGone } from './client-gone.js';

/** One event as the v2 API streams it: the JSON body repeats the event name as `type`. */
export interface StreamEvent {
  /** Required in the v2 framing; OpenAI chunks have none. */
  type?: string;
  [field: string]: unknown;
}

/**
 * Two framings: the v2 API's (`event:` line, and the name repeated as `type` in the data), and
 * OpenAI's (`data:` only, ending with `data: [DONE]`; failures as `{"error": {...}}`).
 */
export type StreamFormat = 'vectara' | 'openai';

const frame = (e: StreamEvent, format: StreamFormat): string =>
  format === 'openai' ? `data: ${JSON.stringify(e)}\n\n` : `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`;

const errorEvent = (message: string, format: StreamFormat): StreamEvent =>
  format === 'openai' ? { error: { message, type: 'server_error' } } : { type: 'error', messages: [message] };

/**
 * Sends `source(signal)` as `text/event-stream`, each event written as soon as it is produced.
 *
 * Contract:
 * - When the client goes away before the end, `signal` aborts (the producer should stop its work)
 *   and the producer's iterator is closed.
 * - A failure inside the producer becomes one final `error` event with `messages` (a QuarryError's
 *   own message; anything else is logged and shown as an internal error), then the stream ends.
 *
 * The framing is two lines per event, so it is written here rather than through a plugin; the
 * stream is a Node Readable over the producer, which Fastify pipes and destroys on disconnect.
 */
export function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  source: (signal: AbortSignal) => AsyncIterable<StreamEvent>,
  format: StreamFormat = 'vectara',
): FastifyReply {
  const gone = clientGone(reply);
  // Also stops the producer when it is done or failed, whatever it still holds.
  const done = new AbortController();
  const signal = AbortSignal.any([gone, done.signal]);
  async function* frames(): AsyncGenerator<string> {
    try {
      for await (const event of source(signal)) {
        if (gone.aborted) return;
        yield frame(event, format);
      }
      if (format === 'openai') yield 'data: [DONE]\n\n';
    } catch (err) {
      if (gone.aborted) return;
      const known = err instanceof QuarryError;
      if (!known) request.log.error({ err }, 'stream failed');
      yield frame(errorEvent(known ? err.message : 'An internal error stopped the response.', format), format);
    } finally {
      done.abort();
    }
  }
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .send(Readable.from(frames(), { objectMode: false }));
}
