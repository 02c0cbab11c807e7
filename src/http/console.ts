import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { QuarryError } from '../domain/errors.js';
import type { App } from './types.js';

/** Where `npm run build:console` writes the compiled console (console/vite.config.ts). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The console may load only its own files and talk only to this server: no inline script or
 * style, no other origin, never framed. Keys live in the page's session storage, so what runs
 * in the page must be exactly what the build produced.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(res: { setHeader(name: string, value: string): unknown }): void {
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

/** Serves the web console at /console/, or explains how to build it when it is missing. */
export async function registerConsole(app: App, dir = CONSOLE_DIST): Promise<void> {
  app.get('/console', async (_req, reply) => reply.redirect('/console/'));
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/console/*', async () => {
      throw new QuarryError(503, 'The web console has not been built: run `npm run build:console` (npm install does it).');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    index: ['index.html'],
    // Hashed asset names change with every build; the page itself must always be fresh.
    setHeaders: (res, path) => {
      secure(res);
      res.setHeader('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
