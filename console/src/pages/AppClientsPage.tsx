import { useState } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { DataTable } from '../components/DataTable';
import { FormCard } from '../components/FormCard';
import { FormField } from '../components/FormField';
import { NewSecret } from '../components/NewSecret';
import { PageHeading } from '../components/PageHeading';
import { RowButton } from '../components/RowButton';
import { RoleChecks } from '../components/RoleChecks';
import { useAction, useConfirmedAction, useLoad } from '../hooks';
import type { AppClient } from '../types';

export function AppClientsPage() {
  const clients = useLoad(() => listAll<AppClient>('/v2/app_clients', 'app_clients'), []);
  const action = useAction();
  const [name, setName] = useState('');
  const [apiRoles, setApiRoles] = useState<string[]>([]);
  const [fresh, setFresh] = useState<AppClient | null>(null);
  const deleting = useConfirmedAction<AppClient>(
    action,
    async (c) => {
      await api('DELETE', `/v2/app_clients/${seg(c.id)}`);
    },
    clients.reload,
  );

  const create = async () => {
    const created = await api<AppClient>('POST', '/v2/app_clients', {
      type: 'client_credentials',
      name,
      api_roles: apiRoles,
    });
    setFresh(created);
    setName('');
    setApiRoles([]);
    clients.reload();
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
      <DataTable
        caption="App clients"
        columns={['Name', 'Client ID', 'Roles', 'Actions']}
        list={clients}
        error={action.errorAt('table')}
        empty="No app clients yet."
        row={(c) => (
          <tr key={c.id}>
            <th scope="row">{c.name}</th>
            <td>
              <code>{c.client_id ?? '—'}</code>
            </td>
            <td>{(c.api_roles ?? []).join(', ') || '—'}</td>
            <td className="actions">
              <RowButton name={`Delete app client ${c.name}`} danger onClick={() => deleting.ask(c)}>
                Delete
              </RowButton>
            </td>
          </tr>
        )}
      />

      <FormCard
        id="create-client"
        title="Create an app client"
        submitLabel="Create app client"
        onSubmit={create}
        action={action}
        at="create"
      >
        <FormField id="client-name" label="App client name" value={name} onValue={setName} required />
        <RoleChecks idPrefix="client-role" value={apiRoles} onChange={setApiRoles} />
      </FormCard>

      {deleting.pending && (
        <ConfirmDialog title="Delete app client?" confirmLabel="Delete" {...deleting.dialog}>
          <p>
            Deleting <strong>{deleting.pending.name}</strong> is final: programs using its client ID and secret can no
            longer get tokens.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
