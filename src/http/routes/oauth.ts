import type { FastifyRequest } from 'fastify';
import { oauthError } from '../../domain/errors.js';
import { TokenResponse } from '../schemas/identity.js';
import { op, type App, type Services } from '../types.js';

/** Client credentials from HTTP Basic authentication (RFC 6749 section 2.3.1), if sent that way. */
function basicCredentials(req: FastifyRequest): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/**
 * The OAuth 2.0 client-credentials grant. Served at /oauth/token and /oauth2/token, each taking
 * JSON or form-encoded bodies (the official SDKs post forms to the latter), with the client's
 * credentials in the body or in HTTP Basic authentication. Errors carry OAuth's `error` code.
 */
export function oauthRoutes(app: App, { appClients }: Services): void {
  for (const id of ['getOAuthToken', 'getOAuthTokenForm'] as const) {
    app.route({
      ...op(id),
      // Validated by hand so that failures read as OAuth errors rather than schema errors.
      schema: { response: { 200: TokenResponse } },
      handler: async (req) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (body.grant_type === undefined) {
          throw oauthError(400, 'invalid_request', 'grant_type is required; use "client_credentials".');
        }
        if (body.grant_type !== 'client_credentials') {
          throw oauthError(400, 'unsupported_grant_type', 'grant_type must be "client_credentials".');
        }
        const basic = basicCredentials(req);
        const clientId = typeof body.client_id === 'string' ? body.client_id : basic?.id;
        const clientSecret = typeof body.client_secret === 'string' ? body.client_secret : basic?.secret;
        if (!clientId || !clientSecret) {
          throw oauthError(401, 'invalid_client', 'client_id and client_secret are required.');
        }
        try {
          return await appClients.issueToken(clientId, clientSecret);
        } catch {
          throw oauthError(401, 'invalid_client', 'Invalid client credentials.');
        }
      },
    });
  }
}
