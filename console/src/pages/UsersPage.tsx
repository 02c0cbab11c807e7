import { useState, type FormEvent } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { RoleChecks } from '../components/RoleChecks';
import { useAnnounce } from '../components/Status';
import { useLoad, type Failure } from '../hooks';
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
  const [failure, setFailure] = useState<Failure>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [apiRoles, setApiRoles] = useState<string[]>([]);

  const run = async (at: string, fn: () => Promise<void>) => {
    setFailure(null);
    setBusy(true);
    try {
      await fn();
    } catch (error) {
      setFailure({ at, error });
    } finally {
      setBusy(false);
    }
  };

  const codeMessage = (user: string, code: string | undefined) =>
    code
      ? `One-time code for ${user}: ${code}. Give it to them to set a password on the sign-in page.`
      : `No one-time code was returned for ${user}.`;

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run('create', async () => {
      const body: Record<string, unknown> = { email, api_roles: apiRoles };
      if (username.trim()) body.username = username.trim();
      const created = await api<User & OneTimeCode>('POST', '/v2/users', body);
      announce(`Created user ${created.username}. ${codeMessage(created.username, created.one_time_code)}`);
      setEmail('');
      setUsername('');
      setApiRoles([]);
      users.reload();
    });
  };

  const resetPassword = (u: User) =>
    run('table', async () => {
      const res = await api<OneTimeCode>('POST', `/v2/users/${seg(u.username)}/reset_password`);
      announce(codeMessage(u.username, res.one_time_code));
    });

  const setEnabled = (u: User, enabled: boolean) =>
    run('table', async () => {
      await api('PATCH', `/v2/users/${seg(u.username)}`, { enabled });
      users.reload();
    });

  const confirmDelete = () => {
    if (!deleting) return;
    const name = deleting;
    void run('table', async () => {
      try {
        await api('DELETE', `/v2/users/${seg(name)}`);
      } finally {
        setDeleting(null);
      }
      users.reload();
    });
  };

  return (
    <>
      <PageHeading>Users</PageHeading>
      <ErrorAlert error={users.error} />
      {failure?.at === 'table' && <ErrorAlert error={failure.error} />}
      <div className="table-wrap">
        <table>
          <caption>Users</caption>
          <thead>
            <tr>
              <th scope="col">User name</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.length === 0 && (
              <tr>
                <td colSpan={5}>{users.loading ? 'Loading…' : 'No users.'}</td>
              </tr>
            )}
            {users.data.map((u) => (
              <tr key={u.username}>
                <th scope="row">{u.username}</th>
                <td>{u.email ?? '—'}</td>
                <td>{roles(u)}</td>
                <td>{u.enabled === false ? 'Disabled' : 'Enabled'}</td>
                <td className="actions">
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Reset password for ${u.username}`}
                    onClick={() => void resetPassword(u)}
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`${u.enabled === false ? 'Enable' : 'Disable'} user ${u.username}`}
                    onClick={() => void setEnabled(u, u.enabled === false)}
                  >
                    {u.enabled === false ? 'Enable' : 'Disable'}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete user ${u.username}`}
                    onClick={() => setDeleting(u.username)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="card">
        <h2 id="create-user">Create a user</h2>
        <form onSubmit={create}>
          <label htmlFor="user-email">Email</label>
          <input id="user-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <label htmlFor="user-name">New user name</label>
          <input
            id="user-name"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-describedby="user-name-help"
          />
          <p id="user-name-help" className="help">
            Optional: the email is used when left empty.
          </p>
          <RoleChecks idPrefix="user-role" value={apiRoles} onChange={setApiRoles} />
          {failure?.at === 'create' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Create user
          </button>
        </form>
      </section>

      {deleting && (
        <ConfirmDialog
          title="Delete user?"
          confirmLabel="Delete"
          busy={busy}
          onConfirm={confirmDelete}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Deleting <strong>{deleting}</strong> is final: they can no longer sign in, and their personal keys stop working.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
