import type { SecretBox } from '../../auth/secrets.js';
import type { TokenIssuer } from '../../auth/tokens.js';
import type { Storage } from '../../storage/types.js';

export interface IdentityDeps {
  storage: Storage;
  /** Encrypts secrets for read-back; null when secrets are show-once (`auth.store_secrets: false`). */
  secrets: SecretBox | null;
  tokens: TokenIssuer;
}
