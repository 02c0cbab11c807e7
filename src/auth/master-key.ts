import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The master key encrypts stored secrets and derives the token signing key. It comes from the
 * `auth.master_key` setting (base64) or from `<data_dir>/master.key`, created with mode 0600 on
 * first start. It never goes into the database, so a copied database file reveals no secret.
 */
export function loadMasterKey(dataDir: string, configured?: string): Buffer {
  if (configured) return decode(configured, 'auth.master_key');
  const path = join(dataDir, 'master.key');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return decode(readFileSync(path, 'utf8').trim(), path);
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}
