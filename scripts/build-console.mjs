#!/usr/bin/env node
// Compiles the web console (console/) into console/dist with Vite. Run by `npm install` (so a
// fresh checkout serves it) and by `npm run build:console`. Without the development packages
// (an install with --omit=dev) there is nothing to build with: say so and leave the server to
// answer /console with a 503 that explains it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/vite/package.json')) {
  console.log('console: vite is not installed (development packages omitted); skipping the console build');
  process.exit(0);
}
const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
