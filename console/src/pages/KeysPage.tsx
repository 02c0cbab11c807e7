import { useState } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { CreateKeyForm } from '../components/CreateKeyForm';
import { DataTable } from '../components/DataTable';
import { NewSecret } from '../components/NewSecret';
import { PageHeading } from '../components/PageHeading';
import { RowButton } from '../components/RowButton';
import { formatDate, useAction, useConfirmedAction, useLoad } from '../hooks';
import { typeLabel } from '../keyTypes';
import type { Credential } from '../session';
import type { ApiKey, Corpus } from '../types';

interface Props {
  credential: Credential;
  onCredentialChange: (c: Credential) => void;
}

type Pending = { action: 'delete' | 'regenerate'; key: ApiKey };

export function KeysPage({ credential, onCredentialChange }: Props) {
  const keys = useLoad(() => listAll<ApiKey>('/v2/api_keys', 'api_keys'), []);
  const corpora = useLoad(() => listAll<Corpus>('/v2/corpora', 'corpora').catch(() => []), [] as Corpus[]);
  const action = useAction();
  const [fresh, setFresh] = useState<ApiKey | null>(null);
  const pending = useConfirmedAction<Pending>(
    action,
    async ({ action: what, key }) => {
      if (what === 'delete') {
        await api('DELETE', `/v2/api_keys/${seg(key.id)}`);
      } else {
        const renewed = await api<ApiKey>('POST', `/quarry/api_keys/${seg(key.id)}/regenerate`);
        // Regenerating the key this tab signed in with: keep the tab signed in with the new secret.
        if (credential.kind === 'api_key' && key.secret_key === credential.value && renewed.secret_key) {
          onCredentialChange({ kind: 'api_key', value: renewed.secret_key });
        }
        setFresh(renewed);
      }
    },
    keys.reload,
  );

  const setEnabled = (key: ApiKey, enabled: boolean) =>
    action.run('table', async () => {
      await api('PATCH', `/v2/api_keys/${seg(key.id)}`, { enabled });
      keys.reload();
    });

  return (
    <>
      <PageHeading>API keys</PageHeading>
      {fresh && (
        <NewSecret heading="Your new key" onDismiss={() => setFresh(null)}>
          <p>
            The key <strong>{fresh.name}</strong> is shown in full here. Copy it now and keep it somewhere safe.
          </p>
          <p>
            <code className="secret">{fresh.secret_key}</code>
          </p>
          <CopyButton text={fresh.secret_key} label="Copy new key" className="primary" />
        </NewSecret>
      )}
      <DataTable
        caption="API keys"
        columns={['Name', 'Type', 'Corpora', 'Status', 'Created', 'Actions']}
        list={keys}
        error={action.errorAt('table')}
        empty="No API keys yet."
        row={(k) => (
          <tr key={k.id}>
            <th scope="row">{k.name}</th>
            <td>{typeLabel(k.api_key_role)}</td>
            <td>{k.api_key_role === 'personal' ? 'All your user may use' : (k.corpus_keys ?? []).join(', ') || '—'}</td>
            <td>{k.enabled ? 'Enabled' : 'Disabled'}</td>
            <td>{formatDate(k.created_at)}</td>
            <td className="actions">
              <CopyButton text={k.secret_key} label="Copy" ariaLabel={`Copy key ${k.name}`} />
              <RowButton
                name={`${k.enabled ? 'Disable' : 'Enable'} key ${k.name}`}
                disabled={action.busy}
                onClick={() => void setEnabled(k, !k.enabled)}
              >
                {k.enabled ? 'Disable' : 'Enable'}
              </RowButton>
              {k.api_key_role === 'personal' && (
                <RowButton name={`Regenerate key ${k.name}`} onClick={() => pending.ask({ action: 'regenerate', key: k })}>
                  Regenerate
                </RowButton>
              )}
              <RowButton name={`Delete key ${k.name}`} danger onClick={() => pending.ask({ action: 'delete', key: k })}>
                Delete
              </RowButton>
            </td>
          </tr>
        )}
      />
      <CreateKeyForm corpusKeys={corpora.data.map((c) => c.key)} onCreated={(k) => { setFresh(k); keys.reload(); }} />
      {pending.pending?.action === 'delete' && (
        <ConfirmDialog title="Delete API key?" confirmLabel="Delete" {...pending.dialog}>
          <p>
            Deleting the key <strong>{pending.pending.key.name}</strong> is final: it cannot be undone, and anything using
            the key stops working at once.
          </p>
        </ConfirmDialog>
      )}
      {pending.pending?.action === 'regenerate' && (
        <ConfirmDialog title="Regenerate personal key?" confirmLabel="Regenerate" {...pending.dialog}>
          <p>
            A new secret replaces the key <strong>{pending.pending.key.name}</strong>. The old key stops working at once.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
