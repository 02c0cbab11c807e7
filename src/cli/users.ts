import type { Command } from 'commander';
import type { UserView } from '../domain/identity/users.js';
import type { ApiRole } from '../storage/types.js';
import type { WithApp } from './keys.js';
import { printTable } from './operator.js';

/** `quarry users …`: manage the account's users directly on the server machine. */
export function usersCommand(program: Command, withApp: WithApp): void {
  const users = program.command('users').description('manage users (the people personal keys belong to)');

  users
    .command('create')
    .description('create a user')
    .requiredOption('--email <email>', 'e-mail address')
    .option('--username <name>', 'user name (defaults to the e-mail address)')
    .option('--role <role...>', 'account roles: owner, administrator, corpus_administrator, corpus_developer, billing_administrator')
    .option('--description <text>', 'what the user is for')
    .action((opts: { email: string; username?: string; role?: string[]; description?: string }) =>
      withApp(async (app) => {
        const user = await app.services.users.create(null, {
          email: opts.email,
          username: opts.username,
          description: opts.description,
          api_roles: (opts.role ?? []) as ApiRole[],
        });
        process.stdout.write(`created user ${user.username} (${user.id})\n`);
      }),
    );

  users
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withApp(async (app) => {
        const all: UserView[] = [];
        let after: number | undefined;
        do {
          const page = await app.services.users.list({ limit: 100, after }, {});
          all.push(...page.items);
          after = page.next;
        } while (after !== undefined);
        if (opts.json) {
          process.stdout.write(JSON.stringify(all.map(({ api_policy: _p, ...u }) => u), null, 2) + '\n');
          return;
        }
        printTable(
          all.map((u) => ({ ...u, status: u.enabled ? 'enabled' : 'disabled', roles: u.api_roles.join(',') })),
          ['id', 'username', 'email', 'status', 'roles', 'created_at'],
        );
      }),
    );

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    users
      .command(`${name} <username>`)
      .description(`${name} a user (its personal keys stop or resume working at once)`)
      .action((username: string) =>
        withApp(async (app) => {
          await app.services.users.update(null, username, { enabled });
          process.stdout.write(`${name}d ${username}\n`);
        }),
      );
  }

  users
    .command('delete <username>')
    .description('delete a user and its personal keys')
    .action((username: string) =>
      withApp(async (app) => {
        await app.services.users.delete(null, username);
        process.stdout.write(`deleted ${username}\n`);
      }),
    );

  users
    .command('reset-password <username>')
    .description('print a one-time code the user can set a new password with')
    .action((username: string) =>
      withApp(async (app) => {
        const { one_time_code } = await app.services.users.resetPassword(username);
        process.stdout.write(`${one_time_code}\n`);
      }),
    );
}
