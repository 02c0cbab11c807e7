import type { Command } from 'commander';
import type { QuarryApp } from '../app.js';
import type { Config } from '../config/schema.js';
import type { ApiKeyView } from '../domain/identity/api-keys.js';
import type { ApiKeyRole } from '../storage/types.js';
import { operatorAs, printTable } from './operator.js';

export type WithApp = (fn: (app: QuarryApp, config: Readonly<Config>) => Promise<void>) => Promise<void>;

const ROLE_BY_TYPE: Record<string, ApiKeyRole> = {
  personal: 'personal',
  query: 'serving',
  serving: 'serving',
  index: 'serving_and_indexing',
  serving_and_indexing: 'serving_and_indexing',
};

function printKeys(keys: ApiKeyView[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(keys.map(({ secret_key: _s, api_policy: _p, ...k }) => k), null, 2) + '\n');
    return;
  }
  printTable(
    keys.map((k) => ({ ...k, status: k.enabled ? 'enabled' : 'disabled', corpora: k.corpus_keys.join(',') })),
    ['id', 'name', 'api_key_role', 'status', 'corpora', 'created_at'],
  );
}

async function allKeys(app: QuarryApp): Promise<ApiKeyView[]> {
  const out: ApiKeyView[] = [];
  let after: number | undefined;
  do {
    const page = await app.services.apiKeys.list({ limit: 100, after }, {});
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** `quarry keys …`: manage API keys directly on the server machine. */
export function keysCommand(program: Command, withApp: WithApp): void {
  const keys = program.command('keys').description('manage API keys (personal zut_, QueryService zqt_, IndexService zwt_)');

  keys
    .command('create')
    .description('create an API key and print its secret')
    .requiredOption('--name <name>', 'a name that says what the key is for')
    .option('--type <type>', 'personal, query (QueryService) or index (IndexService)', 'personal')
    .option('--corpus <key...>', 'corpora a query or index key is bound to')
    .option('--user <username>', 'user the key is created as (a personal key belongs to it)')
    .action((opts: { name: string; type: string; corpus?: string[]; user?: string }) =>
      withApp(async (app, config) => {
        const role = ROLE_BY_TYPE[opts.type];
        if (!role) throw new Error(`unknown key type '${opts.type}': use personal, query or index`);
        const principal = await operatorAs(app, opts.user ?? config.owner.username);
        const key = await app.services.apiKeys.create(principal, { name: opts.name, api_key_role: role, corpus_keys: opts.corpus });
        process.stdout.write(`created ${key.api_key_role} key ${key.id}\n${key.secret_key}\n`);
      }),
    );

  keys
    .command('list')
    .description('list API keys')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => withApp(async (app) => printKeys(await allKeys(app), Boolean(opts.json))));

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    keys
      .command(`${name} <id>`)
      .description(`${name} an API key (takes effect on its next request)`)
      .action((id: string) =>
        withApp(async (app) => {
          await app.services.apiKeys.setEnabled(id, enabled);
          process.stdout.write(`${name}d ${id}\n`);
        }),
      );
  }

  keys
    .command('delete <id>')
    .description('delete an API key for good')
    .action((id: string) =>
      withApp(async (app) => {
        await app.services.apiKeys.delete(id);
        process.stdout.write(`deleted ${id}\n`);
      }),
    );

  keys
    .command('regenerate <id>')
    .description('give a personal key a new secret; the old one stops working at once')
    .action((id: string) =>
      withApp(async (app) => {
        const key = await app.services.apiKeys.regenerate(id);
        process.stdout.write(`regenerated ${key.id}\n${key.secret_key}\n`);
      }),
    );
}
