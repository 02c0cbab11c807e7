import { hashesEqual, hashSecret } from '../../auth/secrets.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.js';
import type { TokenIssuer } from '../../auth/tokens.js';
import type { Storage } from '../../storage/types.js';
import { invalidField, unauthorized } from '../errors.js';

export interface ConsoleSession {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  username: string;
}

/**
 * Signing in to the console with a user name and password. Users get a password through the
 * reset flow: an administrator's reset returns a one-time code, the user sets a password with it.
 * A session is an access token that acts as the user's personal key (the user's roles only).
 */
export class SessionService {
  constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenIssuer,
  ) {}

  async setPassword(username: string, oneTimeCode: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw invalidField('password', problem);
    const user = await this.storage.users.getByUsername(username);
    const valid =
      user?.reset_code_hash &&
      user.reset_code_expires_at &&
      Date.parse(user.reset_code_expires_at) > Date.now() &&
      hashesEqual(hashSecret(oneTimeCode), user.reset_code_hash);
    // One answer for an unknown user and a wrong or expired code: no account enumeration.
    if (!valid) throw unauthorized('The one-time code is not valid: ask an administrator for a new password reset.');
    await this.storage.users.setPassword(username, await hashPassword(password));
    await this.storage.users.setResetCode(username, null, null);
  }

  async signIn(username: string, password: string): Promise<ConsoleSession> {
    const user = await this.storage.users.getByUsername(username);
    const ok = await verifyPassword(password, user?.password_hash ?? null);
    if (!user || !ok) throw unauthorized('Wrong user name or password.');
    if (!user.enabled) throw unauthorized('This user is disabled.');
    return {
      access_token: await this.tokens.issueForUser(user.id),
      token_type: 'Bearer',
      expires_in: this.tokens.ttlSeconds,
      username: user.username,
    };
  }
}
