import { Command } from 'commander';
import { ConfigError } from '../config/load.js';
import { ingestCommand } from './ingest.js';
import { reindexCommand } from './reindex.js';
import { keysCommand } from './keys.js';
import { reportError } from './operator.js';
import { configFrom, openApp, type GlobalFlags } from './runtime.js';
import { serve } from './serve.js';
import { usersCommand } from './users.js';

const program = new Command('quarry')
  .description('Quarry: a self-hosted server that speaks the Vectara REST API v2')
  .option('-c, --config <file>', 'YAML or JSON config file (also QUARRY_CONFIG)')
  .option('--data-dir <dir>', 'where the database and master key live (also QUARRY_DATA_DIR; default ./data)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (also QUARRY_LOG_LEVEL)')
  .showHelpAfterError();

const globals = (): GlobalFlags => program.opts<GlobalFlags>();

program
  .command('serve')
  .description('start the server (creates the owner and its personal key on first start)')
  .option('--host <host>', 'address to listen on (also QUARRY_HOST; default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (also QUARRY_PORT; default 8080)')
  .action(async (opts: { host?: string; port?: string }) => {
    try {
      await serve(configFrom({ ...globals(), ...opts }));
    } catch (err) {
      reportError(err);
    }
  });

/** Operator commands work on the data directory directly, beside a running server or without one. */
const withApp = async (fn: Parameters<Parameters<typeof keysCommand>[1]>[0]) => {
  try {
    const config = configFrom({ logLevel: 'warn', ...globals() });
    const app = await openApp(config);
    try {
      await app.firstStart().then((first) => {
        if (first) process.stderr.write(`note: created the owner '${first.username}'; its personal key:\n${first.secret}\n`);
      });
      await fn(app, config);
    } finally {
      await app.close();
    }
  } catch (err) {
    reportError(err instanceof ConfigError ? new Error(err.message) : err);
  }
};

keysCommand(program, withApp);
usersCommand(program, withApp);
ingestCommand(program, withApp);
reindexCommand(program, withApp);

await program.parseAsync(process.argv);
