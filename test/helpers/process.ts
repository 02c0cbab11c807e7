import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = ['--import', 'tsx', 'src/cli/index.ts'];

/** A project source file's URL, for scripts that import it from elsewhere (runScript). */
export const sourceUrl = (path: string): string => pathToFileURL(join(ROOT, path)).href;

/**
 * Runs a TypeScript script under tsx in a child process and returns what the last line of its
 * output holds, parsed as JSON. For what the test runner's in-process transform cannot run, such
 * as worker threads: tsx runs them as it runs the server. Fails with the script's stderr if it
 * does not exit with 0 (a process that does not end on its own fails on the timeout).
 */
export function runScript(dir: string, source: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}): unknown {
  const script = join(dir, 'check.mts');
  writeFileSync(script, source);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, ...options.env },
  });
  if (r.status !== 0) throw new Error(`script exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** Runs a `quarry …` command to completion, the way an operator would. */
export function quarry(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...ENTRY, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything the process printed on stdout so far. */
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `quarry serve` in its own process and waits until it listens. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, [...ENTRY, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, QUARRY_HOST: '127.0.0.1', QUARRY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 20_000);
    const check = () => {
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
