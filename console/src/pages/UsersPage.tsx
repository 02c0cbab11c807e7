import { useState } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DataTable } from '../components/DataTable';
import { FormCard } from '../components/FormCard';
import { FormField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { RowButton } from '../components/RowButton';
import { RoleChecks } from '../components/RoleChecks';
import { useAnnounce } from '../components/Status';
import { useAction, useConfirmedAction, useLoad } from '../hooks';
import type { User } from '../types';

interface OneTimeCode {
  one_time_code?: string;
}

function roles(u: User): string {
  const all = [...(u.api_roles ?? []), ...(u.corpus_roles ?? []).map((r) => `${r.role} of ${r.corpus_key}`)];
  return all.join(', ') || '—';
}

export function UsersPage() {
  const announce = useAnnounce();
  const users = useLoad(() => listAll<User>('/v2/users', 'users'), []);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [apiRoles, setApiRoles] = useState<string[]>([]);
  const deleting = useConfirmedAction<string>(
    action,
    async (name) => {
      await api('DELETE', `/v2/users/${seg(name)}`);
    },
    users.reload,
  );

  const codeMessage = (user: string, code: string | undefined) =>
    code
      ? `One-time code for ${user}: ${code}. Give it to them to set a password on the sign-in page.`
      : `No one-time code was returned for ${user}.`;

  const create = async () => {
    const body: Record<string, unknown> = { email, api_roles: apiRoles };
    if (username.trim()) body.username = username.trim();
    const created = await api<User & OneTimeCode>('POST', '/v2/users', body);
    announce(`Created user ${created.username}. ${codeMessage(created.username, created.one_time_code)}`);
    setEmail('');
    setUsername('');
    setApiRoles([]);
    users.reload();
  };

  const resetPassword = (u: User) =>
    action.run('table', async () => {
      const res = await api<OneTimeCode>('POST', `/v2/users/${seg(u.username)}/reset_password`);
      announce(codeMessage(u.username, res.one_time_code));
    });

  const setEnabled = (u: User, enabled: boolean) =>
    action.run('table', async () => {
      await api('PATCH', `/v2/users/${seg(u.username)}`, { enabled });
      users.reload();
    });

  return (
    <>
      <PageHeading>Users</PageHeading>
      <DataTable
        caption="Users"
        columns={['User name', 'Email', 'Roles', 'Status', 'Actions']}
        list={users}
        error={action.errorAt('table')}
        empty="No users."
        row={(u) => (
          <tr key={u.username}>
            <th scope="row">{u.username}</th>
            <td>{u.email ?? '—'}</td>
            <td>{roles(u)}</td>
            <td>{u.enabled === false ? 'Disabled' : 'Enabled'}</td>
            <td className="actions">
              <RowButton
                name={`Reset password for ${u.username}`}
                disabled={action.busy}
                onClick={() => void resetPassword(u)}
              >
                Reset password
              </RowButton>
              <RowButton
                name={`${u.enabled === false ? 'Enable' : 'Disable'} user ${u.username}`}
                disabled={action.busy}
                onClick={() => void setEnabled(u, u.enabled === false)}
              >
                {u.enabled === false ? 'Enable' : 'Disable'}
              </RowButton>
              <RowButton name={`Delete user ${u.username}`} danger onClick={() => deleting.ask(u.username)}>
                Delete
              </RowButton>
            </td>
          </tr>
        )}
      />

      <FormCard
        id="create-user"
        title="Create a user"
        submitLabel="Create user"
        onSubmit={create}
        action={action}
        at="create"
      >
        <FormField id="user-email" label="Email" type="email" value={email} onValue={setEmail} required />
        <FormField
          id="user-name"
          label="New user name"
          value={username}
          onValue={setUsername}
          help="Optional: the email is used when left empty."
        />
        <RoleChecks idPrefix="user-role" value={apiRoles} onChange={setApiRoles} />
      </FormCard>

      {deleting.pending && (
        <ConfirmDialog title="Delete user?" confirmLabel="Delete" {...deleting.dialog}>
          <p>
            Deleting <strong>{deleting.pending}</strong> is final: they can no longer sign in, and their personal keys
            stop working.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
