/**
 * The one error catalogue. Domain and storage code throw these; the HTTP error renderer
 * (src/http/plugins/error-handler.ts) is the only place that turns them into responses.
 * Each error knows its HTTP status and which of the three Vectara error bodies it renders as.
 */

export type ErrorBodyKind = 'error' | 'bad_request' | 'not_found';

export interface ErrorDetails {
  bodyKind?: ErrorBodyKind;
  /** BadRequestError: field path -> what is wrong with it. */
  fieldErrors?: Record<string, string>;
  /** NotFoundError: the id that was not found. */
  resourceId?: string;
  /** Extra response headers (e.g. WWW-Authenticate on 401). */
  headers?: Record<string, string>;
  /** Extra body fields some protocols expect, e.g. OAuth's `error` code on the token endpoint. */
  extra?: Record<string, string>;
}

export class QuarryError extends Error {
  readonly bodyKind: ErrorBodyKind;

  constructor(
    readonly status: number,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'QuarryError';
    this.bodyKind = details.bodyKind ?? (status === 400 ? 'bad_request' : 'error');
  }
}

export const badRequest = (message: string, fieldErrors: Record<string, string> = {}): QuarryError =>
  new QuarryError(400, message, { bodyKind: 'bad_request', fieldErrors });

/** A single invalid field: the message is repeated in field_errors so clients can point at it. */
export const invalidField = (field: string, message: string): QuarryError =>
  badRequest(`Invalid ${field}: ${message}`, { [field]: message });

export const unauthorized = (message: string): QuarryError =>
  new QuarryError(401, message, { headers: { 'www-authenticate': 'Bearer' } });

export const forbidden = (message: string): QuarryError => new QuarryError(403, message);

export const notFound = (resource: string, id: string): QuarryError =>
  new QuarryError(404, `${resource} '${id}' was not found`, { bodyKind: 'not_found', resourceId: id });

export const conflict = (message: string): QuarryError => new QuarryError(409, message);

export const payloadTooLarge = (message: string): QuarryError => new QuarryError(413, message);

export const unsupportedMediaType = (message: string): QuarryError => new QuarryError(415, message);

export const unprocessable = (message: string): QuarryError => new QuarryError(422, message);

export const notImplemented = (operationId: string): QuarryError =>
  new QuarryError(
    501,
    `Operation '${operationId}' is not available in this version of Quarry yet; it is planned. ` +
      'Authentication and permissions for it are already enforced.',
  );

/** OAuth 2.0 token endpoint errors (RFC 6749 section 5.2) carry an `error` code besides our body. */
export const oauthError = (status: 400 | 401, code: string, message: string): QuarryError =>
  new QuarryError(status, message, {
    extra: { error: code, error_description: message },
    ...(status === 401 ? { headers: { 'www-authenticate': 'Basic realm="quarry"' } } : {}),
  });
