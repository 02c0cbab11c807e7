/**
 * The bench server (bench/server.ts) in a child process, shared by bench/run.ts and
 * bench/indexing.ts: start it, wait for its one JSON line on stdout (BenchServerInfo), stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchServerInfo } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchServerProcess<Info = BenchServerInfo> {
  child: ChildProcess;
  info: Info;
  stderr: () => string;
}

/**
 * Spawns `node ...args` in the repository root and resolves once the child has printed its first
 * line, parsed as `Info` (BenchServerInfo for bench/server.ts). Rejects (and sends SIGTERM to the child) if it exits first,
 * prints something else, or says nothing within 30 s; the error message starts with `label`.
 */
export function startBenchServer<Info = BenchServerInfo>(args: string[], label: string): Promise<BenchServerProcess<Info>> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`${label} ${why}\nstdout: ${out}\nstderr: ${err}`));
    };
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000);
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      try {
        resolve({ child, info: JSON.parse(out.slice(0, nl)) as Info, stderr: () => err });
      } catch {
        fail('printed something other than one JSON line');
      }
    });
  });
}

/**
 * Asks the bench server to build the corpus's in-memory indexes (see bench/server.ts) and resolves
 * with the milliseconds it took, once it says they are ready.
 */
export function awaitIndexesReady(server: BenchServerProcess, corpusKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      server.child.stdout!.off('data', onData);
      const answer = JSON.parse(out.slice(0, nl)) as { ready?: string; ms?: number; error?: string };
      if (answer.ready === corpusKey) resolve(answer.ms ?? 0);
      else reject(new Error(`bench server could not ready ${corpusKey}: ${answer.error ?? out}`));
    };
    server.child.stdout!.on('data', onData);
    server.child.stdin!.write(`ready ${corpusKey}\n`);
  });
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`; resolves once it has exited. */
export function stopBenchServer(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
