import type { QuarryApp } from '../app.js';
import type { Principal } from '../auth/principal.js';
import { QuarryError } from '../domain/errors.js';

/**
 * Operators on the server machine act with full rights (they can read the database anyway).
 * Keys they create are attributed to the named user, the owner by default.
 */
export async function operatorAs(app: QuarryApp, username: string): Promise<Principal> {
  const user = await app.services.users.require(username);
  return { kind: 'api_key', keyId: 'operator-cli', keyRole: 'personal', user: { ...user, api_roles: ['owner'] }, corpusIds: [] };
}

/** Prints a catalogue error the way the API would word it, and sets a failing exit code. */
export function reportError(err: unknown): void {
  if (err instanceof QuarryError) {
    const fields = err.details.fieldErrors ? Object.entries(err.details.fieldErrors).map(([f, m]) => `  ${f}: ${m}`) : [];
    process.stderr.write([`error: ${err.message}`, ...fields].join('\n') + '\n');
  } else {
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
  }
  process.exitCode = 1;
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write([line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n');
}
