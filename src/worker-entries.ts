import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether Quarry runs from its TypeScript sources (tsx, a test runner) or the compiled build. */
const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts';

/**
 * The entry of a worker thread `<name>.ts`/`.js` beside `moduleUrl`. Worker threads do not inherit
 * the tsx loader in Node 20, so from sources each worker has a `<name>-from-source.mjs` that
 * registers tsx and then loads it; the compiled build starts `<name>.js` directly.
 */
export function workerEntry(moduleUrl: string, name: string): URL {
  return new URL(FROM_SOURCE ? `./${name}-from-source.mjs` : `./${name}.js`, moduleUrl);
}

/**
 * Whether worker threads can run TypeScript-sourced workers: always from the compiled build; from
 * sources when tsx runs them. Elsewhere (a test runner transforming sources in-process) callers
 * do the work on the calling thread.
 */
export function workersAvailable(): boolean {
  return !FROM_SOURCE || process.execArgv.some((a) => a.includes('tsx'));
}
