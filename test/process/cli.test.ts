import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarry, startServer } from '../helpers/process.js';

let dataDir: string;
const env = () => ({ QUARRY_DATA_DIR: dataDir });

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'quarry-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('quarry keys and users, for operators on the server machine', () => {
  let personal: { id: string; secret: string };

  it('creates a personal key and lists it', () => {
    const created = quarry(['keys', 'create', '--name', 'ops script', '--type', 'personal'], env());
    expect(created.status, created.stderr).toBe(0);
    const [, id, secret] = /created personal key (aky_\S+)\n(zut_\S+)/.exec(created.stdout) ?? [];
    expect(id).toBeTruthy();
    personal = { id: id!, secret: secret! };
    const list = quarry(['keys', 'list'], env());
    expect(list.stdout).toContain(personal.id);
    expect(list.stdout).toContain('ops script');
    expect(list.stdout).not.toContain(personal.secret);
  });

  it('disables, enables and regenerates a key, and the server sees each change at once', async () => {
    const server = await startServer(env());
    const call = (key: string) => fetch(`${server.baseUrl}/v2/api_keys`, { headers: { 'x-api-key': key } }).then((r) => r.status);
    try {
      expect(await call(personal.secret)).toBe(200);
      expect(quarry(['keys', 'disable', personal.id], env()).status).toBe(0);
      expect(await call(personal.secret)).toBe(401);
      expect(JSON.parse(quarry(['keys', 'list', '--json'], env()).stdout).find((k: { id: string }) => k.id === personal.id).enabled).toBe(false);
      expect(quarry(['keys', 'enable', personal.id], env()).status).toBe(0);
      expect(await call(personal.secret)).toBe(200);
      const regenerated = quarry(['keys', 'regenerate', personal.id], env());
      const fresh = /(zut_\S+)/.exec(regenerated.stdout)?.[1];
      expect(fresh).toBeTruthy();
      expect(await call(personal.secret)).toBe(401);
      expect(await call(fresh!)).toBe(200);
      expect(quarry(['keys', 'delete', personal.id], env()).status).toBe(0);
      expect(await call(fresh!)).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('manages users', () => {
    const created = quarry(['users', 'create', '--email', 'ann@example.com', '--role', 'administrator'], env());
    expect(created.status, created.stderr).toBe(0);
    const users = JSON.parse(quarry(['users', 'list', '--json'], env()).stdout) as Array<{ username: string; enabled: boolean; api_roles: string[] }>;
    expect(users.find((u) => u.username === 'ann@example.com')?.api_roles).toEqual(['administrator']);
    expect(quarry(['users', 'disable', 'ann@example.com'], env()).status).toBe(0);
    const code = quarry(['users', 'reset-password', 'ann@example.com'], env());
    expect(code.stdout.trim().length).toBeGreaterThan(10);
    expect(quarry(['users', 'delete', 'ann@example.com'], env()).status).toBe(0);
  });

  it('reports errors clearly with a failing exit code', () => {
    const missing = quarry(['keys', 'disable', 'aky_nope'], env());
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/API key 'aky_nope' was not found/);
    const badType = quarry(['keys', 'create', '--name', 'x', '--type', 'admin'], env());
    expect(badType.status).toBe(1);
    expect(badType.stderr).toMatch(/unknown key type/);
    const noCorpus = quarry(['keys', 'create', '--name', 'x', '--type', 'query'], env());
    expect(noCorpus.status).toBe(1);
    expect(noCorpus.stderr).toMatch(/corpus/);
    const lastOwner = quarry(['users', 'delete', 'owner'], env());
    expect(lastOwner.status).toBe(1);
    expect(lastOwner.stderr).toMatch(/only enabled owner/);
  });
});
