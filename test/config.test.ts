import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('configuration: defaults < file < environment < flags, validated once', () => {
  it('has working defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, data_dir: './data', auth: { token_ttl_seconds: 1800, store_secrets: true } });
  });

  it('layers a YAML file, then the environment, then flags', () => {
    const yaml = file('q.yaml', 'port: 9001\nhost: 0.0.0.0\nauth:\n  token_ttl_seconds: 60\n');
    expect(loadConfig({ file: yaml, env: {} })).toMatchObject({ port: 9001, host: '0.0.0.0', auth: { token_ttl_seconds: 60, store_secrets: true } });
    const withEnv = loadConfig({ file: yaml, env: { QUARRY_PORT: '9002', QUARRY_DATA_DIR: '/srv/q', QUARRY_STORE_SECRETS: 'false' } });
    expect(withEnv).toMatchObject({ port: 9002, host: '0.0.0.0', data_dir: '/srv/q', auth: { token_ttl_seconds: 60, store_secrets: false } });
    const withFlags = loadConfig({ file: yaml, env: { QUARRY_PORT: '9002' }, flags: { port: 9003 } });
    expect(withFlags.port).toBe(9003);
  });

  it('reads JSON files and QUARRY_CONFIG', () => {
    const json = file('q.json', JSON.stringify({ log_level: 'debug' }));
    expect(loadConfig({ env: { QUARRY_CONFIG: json } }).log_level).toBe('debug');
  });

  it('freezes the result', () => {
    const c = loadConfig({ env: {} });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.auth)).toBe(true);
  });

  it.each([
    [{ QUARRY_PORT: 'http' }, /port/],
    [{ QUARRY_PORT: '70000' }, /port/],
    [{ QUARRY_LOG_LEVEL: 'loud' }, /log_level/],
    [{ QUARRY_TOKEN_TTL_SECONDS: '0' }, /token_ttl_seconds/],
  ])('rejects bad environment values loudly: %o', (env, pattern) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(pattern);
  });

  it('rejects unknown settings and unreadable files', () => {
    expect(() => loadConfig({ file: file('bad.yaml', 'prot: 1\n'), env: {} })).toThrow(/prot/);
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ file: file('list.yaml', '- 1\n- 2\n'), env: {} })).toThrow(/mapping/);
  });
});
