import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

const ISSUER = 'quarry';
const AUDIENCE = 'quarry-api';

export type TokenCheck =
  | { ok: true; appClientId: string; expiresAtMs: number }
  | { ok: true; userId: string; expiresAtMs: number }
  | { ok: false; reason: 'expired' | 'invalid' };

/** Subjects of console sign-in tokens: a user, not an app client. */
const USER_SUBJECT = 'user:';

/** OAuth 2.0 access tokens for app clients: HS256 JWTs whose subject is the app client's id. */
export class TokenIssuer {
  constructor(
    private readonly key: Uint8Array,
    readonly ttlSeconds: number,
  ) {}

  async issue(appClientId: string): Promise<string> {
    return this.sign(appClientId);
  }

  /** A console sign-in: the token acts as the user's own personal key, within the user's roles. */
  async issueForUser(userId: string): Promise<string> {
    return this.sign(`${USER_SUBJECT}${userId}`);
  }

  private async sign(subject: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Checks signature, issuer, audience and expiry; the caller checks that the client still exists. */
  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
      const expiresAtMs = payload.exp * 1000;
      if (payload.sub.startsWith(USER_SUBJECT)) return { ok: true, userId: payload.sub.slice(USER_SUBJECT.length), expiresAtMs };
      return { ok: true, appClientId: payload.sub, expiresAtMs };
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
