import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRole } from '../storage/types.js';

/** The key prefixes clients recognise (Vectara's). */
export const KEY_PREFIX: Record<ApiKeyRole, string> = {
  personal: 'zut_',
  serving: 'zqt_',
  serving_and_indexing: 'zwt_',
};

const PREFIX_ROLE = new Map(Object.entries(KEY_PREFIX).map(([role, prefix]) => [prefix, role as ApiKeyRole]));

/** 30 random bytes: 240 bits, 40 URL-safe characters after the prefix. */
export function newApiKeySecret(role: ApiKeyRole): string {
  return KEY_PREFIX[role] + randomBytes(30).toString('base64url');
}

/** The role a secret claims by its prefix, or undefined when it is not shaped like a Quarry key. */
export function roleFromSecret(secret: string): ApiKeyRole | undefined {
  if (!/^z[uqw]t_[A-Za-z0-9_-]{20,200}$/.test(secret)) return undefined;
  return PREFIX_ROLE.get(secret.slice(0, 4));
}

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Random id with a resource prefix, e.g. `aky_…`: unguessable, URL-safe. */
export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('base64url').replace(/[-_]/g, '0');
}

/** SHA-256, hex. Secrets carry 240 random bits, so a fast unsalted hash is the right look-up key. */
export function hashSecret(secret: string): string {
  // The one-shot hash avoids a Hash object per call: this runs on every authenticated request.
  return hash('sha256', secret, 'hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * Encrypts secrets at rest with AES-256-GCM under the master key, which lives outside the
 * database. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'quarry secret storage v1', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((x) => (typeof x === 'string' ? x : x.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A key for signing OAuth access tokens, derived from the master key so every node agrees on it. */
export function tokenSigningKey(masterKey: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'quarry oauth token signing v1', 32));
}
