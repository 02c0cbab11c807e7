import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestApp, type TestServer } from '../helpers/app.js';

/**
 * The console's end-to-end harness: a real Quarry server on a loopback port, Debian's Chromium
 * driven by playwright-core (never a downloaded browser), a screenshot per test, and axe.
 */
export const SCREENSHOTS = 'test-results/console';

/** Flags that keep Chromium off the network it cannot reach here (see the machine notes). */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export interface ConsoleWorld {
  server: TestServer;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const server = await startTestApp();
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    base: `http://127.0.0.1:${address.port}`,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function newPage(world: ConsoleWorld): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({ baseURL: world.base });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.base });
  const page = await context.newPage();
  return { context, page };
}

export async function signInWithKey(page: Page, key: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('Personal API key').fill(key);
  await page.getByRole('button', { name: 'Sign in with key' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe on the current page and asserts there is no serious or critical violation. The
 * script is evaluated through the DevTools protocol, which the page's CSP does not govern, so
 * the page's own policy stays strict.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}
