import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export interface MasterKeySettings {
  data_dir: string;
  master_key?: string;
  master_key_file?: string;
}

/**
 * The master key encrypts stored secrets and derives the token signing key. It comes from the
 * `auth.master_key` setting (base64), or from a file (`auth.master_key_file`, by default
 * `<data_dir>/master.key`) created with mode 0600 on first start. It never goes into the database,
 * so a copied database file reveals no secret.
 */
export function loadMasterKey(s: MasterKeySettings): Buffer {
  if (s.master_key) return decode(s.master_key, 'auth.master_key');
  const path = s.master_key_file ?? join(s.data_dir, 'master.key');
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return decode(readFileSync(path, 'utf8').trim(), path);
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}
