import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCredential } from '../../src/auth/credentials.js';
import { hashesEqual, hashSecret, newApiKeySecret, roleFromSecret, SecretBox } from '../../src/auth/secrets.js';

describe('API key secrets', () => {
  it('carry their type in the prefix and enough randomness', () => {
    const a = newApiKeySecret('serving');
    expect(a).toMatch(/^zqt_[A-Za-z0-9_-]{40}$/);
    expect(newApiKeySecret('personal')).toMatch(/^zut_/);
    expect(newApiKeySecret('serving_and_indexing')).toMatch(/^zwt_/);
    expect(new Set(Array.from({ length: 200 }, () => newApiKeySecret('serving'))).size).toBe(200);
    expect(roleFromSecret(a)).toBe('serving');
    expect(roleFromSecret('zxt_aaaaaaaaaaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(roleFromSecret('zqt_short')).toBeUndefined();
  });

  it('are looked up by hash, compared in constant time', () => {
    const s = newApiKeySecret('personal');
    expect(hashSecret(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashesEqual(hashSecret(s), hashSecret(s))).toBe(true);
    expect(hashesEqual(hashSecret(s), hashSecret(s + 'x'))).toBe(false);
    expect(hashesEqual(hashSecret(s), 'abcd')).toBe(false);
  });

  it('are sealed under the master key: round trip, fresh IV each time, tampering detected, wrong key refused', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('zut_secret');
    expect(sealed).not.toContain('zut_secret');
    expect(box.seal('zut_secret')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('zut_secret');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('zut_secreX').toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('reading credentials from headers', () => {
  const key = newApiKeySecret('serving');
  it.each([
    [{}, 'none'],
    [{ 'x-api-key': key }, 'api_key'],
    [{ authorization: `Bearer ${key}` }, 'api_key'],
    [{ authorization: `bearer   ${key}` }, 'api_key'],
    [{ authorization: 'Bearer aaa.bbb.ccc' }, 'access_token'],
    [{ 'x-api-key': '' }, 'malformed'],
    [{ 'x-api-key': 'hello' }, 'malformed'],
    [{ authorization: `Basic ${key}` }, 'malformed'],
    [{ authorization: 'Bearer not-a-token' }, 'malformed'],
    [{ 'x-api-key': key, authorization: 'Bearer aaa.bbb.ccc' }, 'api_key'],
  ])('%o is %s', (headers, kind) => {
    expect(readCredential(headers).kind).toBe(kind);
  });
});
