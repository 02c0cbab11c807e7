import type { Config } from '../config/schema.js';
import { openApp } from './runtime.js';

/** Starts the server; on first start prints the owner's personal key once. Stops cleanly on SIGINT/SIGTERM. */
export async function serve(config: Readonly<Config>): Promise<void> {
  const app = await openApp(config);
  const first = await app.firstStart();
  if (first) {
    process.stdout.write(
      [
        '',
        `First start: created the owner user '${first.username}' and its personal API key.`,
        'It is shown this once; keep it somewhere safe (quarry keys list shows the key ids):',
        '',
        `    ${first.secret}`,
        '',
        '',
      ].join('\n'),
    );
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
}
