import { useState, type FormEvent } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { NewSecret } from '../components/NewSecret';
import { PageHeading } from '../components/PageHeading';
import { RoleChecks } from '../components/RoleChecks';
import { useLoad, type Failure } from '../hooks';
import type { AppClient } from '../types';

export function AppClientsPage() {
  const clients = useLoad(() => listAll<AppClient>('/v2/app_clients', 'app_clients'), []);
  const [failure, setFailure] = useState<Failure>(null);
  const [deleting, setDeleting] = useState<AppClient | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');
  const [apiRoles, setApiRoles] = useState<string[]>([]);
  const [fresh, setFresh] = useState<AppClient | null>(null);

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

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run('create', async () => {
      const created = await api<AppClient>('POST', '/v2/app_clients', {
        type: 'client_credentials',
        name,
        api_roles: apiRoles,
      });
      setFresh(created);
      setName('');
      setApiRoles([]);
      clients.reload();
    });
  };

  const confirmDelete = () => {
    if (!deleting) return;
    const target = deleting;
    void run('table', async () => {
      try {
        await api('DELETE', `/v2/app_clients/${seg(target.id)}`);
      } finally {
        setDeleting(null);
      }
      clients.reload();
    });
  };

  return (
    <>
      <PageHeading>App clients</PageHeading>
      {fresh && (
        <NewSecret heading="Your new app client" onDismiss={() => setFresh(null)}>
          <p>
            The secret of <strong>{fresh.name}</strong> is shown once, in full, here. Copy it now and keep it somewhere safe.
          </p>
          <dl className="pairs">
            <dt>Client ID</dt>
            <dd>
              <code>{fresh.client_id}</code>
            </dd>
            <dt>Client secret</dt>
            <dd>
              <code className="secret">{fresh.client_secret}</code>
            </dd>
          </dl>
          <CopyButton text={fresh.client_id} label="Copy client ID" />
          <CopyButton text={fresh.client_secret} label="Copy client secret" className="primary" />
        </NewSecret>
      )}
      <ErrorAlert error={clients.error} />
      {failure?.at === 'table' && <ErrorAlert error={failure.error} />}
      <div className="table-wrap">
        <table>
          <caption>App clients</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col">Roles</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {clients.data.length === 0 && (
              <tr>
                <td colSpan={4}>{clients.loading ? 'Loading…' : 'No app clients yet.'}</td>
              </tr>
            )}
            {clients.data.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name}</th>
                <td>
                  <code>{c.client_id ?? '—'}</code>
                </td>
                <td>{(c.api_roles ?? []).join(', ') || '—'}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete app client ${c.name}`}
                    onClick={() => setDeleting(c)}
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
        <h2 id="create-client">Create an app client</h2>
        <form onSubmit={create}>
          <label htmlFor="client-name">App client name</label>
          <input id="client-name" value={name} onChange={(e) => setName(e.target.value)} required />
          <RoleChecks idPrefix="client-role" value={apiRoles} onChange={setApiRoles} />
          {failure?.at === 'create' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Create app client
          </button>
        </form>
      </section>

      {deleting && (
        <ConfirmDialog
          title="Delete app client?"
          confirmLabel="Delete"
          busy={busy}
          onConfirm={confirmDelete}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Deleting <strong>{deleting.name}</strong> is final: programs using its client ID and secret can no longer get
            tokens.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
