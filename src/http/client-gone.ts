import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client goes away before its response was written in full, so
 * that work done only for it (a model generating an answer, an upstream request) stops.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return gone.signal;
}
