import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QuarryError } from '../../domain/errors.js';
import { isStorageBusy } from '../../storage/errors.js';
import { fieldErrorsOf } from '../validation.js';

/**
 * The one renderer of error responses. Everything thrown (catalogue errors, schema validation,
 * body parsing, unknown routes) leaves as one of the spec's three bodies:
 * `Error {messages, request_id}`, `BadRequestError` (+ field_errors), `NotFoundError` (+ id).
 */
export function send(reply: FastifyReply, request: FastifyRequest, err: QuarryError): FastifyReply {
  const { fieldErrors, resourceId, headers, extra } = err.details;
  const body: Record<string, unknown> = { ...extra, messages: [err.message], request_id: request.id };
  if (err.bodyKind === 'bad_request') body.field_errors = fieldErrors ?? {};
  if (err.bodyKind === 'not_found' && resourceId !== undefined) body.id = resourceId;
  if (headers) reply.headers(headers);
  return reply.code(err.status).type('application/json; charset=utf-8').send(body);
}

function fromFastifyError(err: FastifyError): QuarryError | undefined {
  if (err.validation) {
    const where = err.validationContext === 'body' ? 'request body' : err.validationContext;
    const fieldErrors = fieldErrorsOf(err.validation as never);
    const summary = Object.entries(fieldErrors).map(([f, m]) => `${f} ${m}`).join('; ');
    return new QuarryError(400, `Invalid ${where}: ${summary}`, { fieldErrors });
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new QuarryError(413, 'Request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new QuarryError(415, `Unsupported Content-Type; send application/json.`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new QuarryError(400, 'The JSON request body is empty.', { fieldErrors: {} });
    default:
      if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return new QuarryError(400, `The request body is not valid JSON: ${err.message}`, { fieldErrors: {} });
      }
      return new QuarryError(status, err.message, status === 400 ? { fieldErrors: {} } : {});
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof QuarryError ? err : fromFastifyError(err);
    if (known) return send(reply, request, known);
    if (isStorageBusy(err)) {
      request.log.warn({ err }, 'database busy');
      return send(reply, request, new QuarryError(503, 'The database is busy: another process is writing to it. Retry shortly.', { headers: { 'retry-after': '1' } }));
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, request, new QuarryError(500, 'Internal server error.'));
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, new QuarryError(404, `No operation at ${request.method} ${request.url.split('?')[0]}.`)),
  );
}
