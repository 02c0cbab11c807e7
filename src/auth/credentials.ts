import { roleFromSecret } from './secrets.js';

/** What a request presents, before any look-up. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'api_key'; secret: string }
  | { kind: 'access_token'; token: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Reads `x-api-key`, or `Authorization: Bearer` holding either an API key or an OAuth access
 * token. When both headers are sent, `x-api-key` wins, as Vectara documents it as the key header.
 */
export function readCredential(headers: Record<string, string | string[] | undefined>): Credential {
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined) {
    const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
    if (!value) return { kind: 'malformed', reason: 'the x-api-key header is empty' };
    return roleFromSecret(value.trim())
      ? { kind: 'api_key', secret: value.trim() }
      : { kind: 'malformed', reason: 'the x-api-key header does not hold a zut_, zqt_ or zwt_ API key' };
  }
  const authorization = headers.authorization;
  if (authorization === undefined) return { kind: 'none' };
  const value = (Array.isArray(authorization) ? authorization[0] : authorization) ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match) return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <API key or access token>"' };
  const bearer = match[1]!;
  if (roleFromSecret(bearer)) return { kind: 'api_key', secret: bearer };
  if (JWT_SHAPE.test(bearer)) return { kind: 'access_token', token: bearer };
  return { kind: 'malformed', reason: 'the bearer credential is neither an API key nor an access token' };
}
