import { useState } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { CreateKeyForm } from '../components/CreateKeyForm';
import { ErrorAlert } from '../components/ErrorAlert';
import { NewSecret } from '../components/NewSecret';
import { PageHeading } from '../components/PageHeading';
import { formatDate, useLoad, type Failure } from '../hooks';
import { typeLabel } from '../keyTypes';
import type { Credential } from '../session';
import type { ApiKey, Corpus } from '../types';

interface Props {
  credential: Credential;
  onCredentialChange: (c: Credential) => void;
}

type Pending = { action: 'delete' | 'regenerate'; key: ApiKey } | null;

export function KeysPage({ credential, onCredentialChange }: Props) {
  const keys = useLoad(() => listAll<ApiKey>('/v2/api_keys', 'api_keys'), []);
  const corpora = useLoad(() => listAll<Corpus>('/v2/corpora', 'corpora').catch(() => []), [] as Corpus[]);
  const [failure, setFailure] = useState<Failure>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState<ApiKey | null>(null);

  const act = async (fn: () => Promise<void>) => {
    setFailure(null);
    setBusy(true);
    try {
      await fn();
    } catch (error) {
      setFailure({ at: 'table', error });
    } finally {
      setBusy(false);
    }
  };

  const setEnabled = (key: ApiKey, enabled: boolean) =>
    act(async () => {
      await api('PATCH', `/v2/api_keys/${seg(key.id)}`, { enabled });
      keys.reload();
    });

  const confirm = () => {
    if (!pending) return;
    const { action, key } = pending;
    void act(async () => {
      try {
        if (action === 'delete') {
          await api('DELETE', `/v2/api_keys/${seg(key.id)}`);
        } else {
          const renewed = await api<ApiKey>('POST', `/quarry/api_keys/${seg(key.id)}/regenerate`);
          // Regenerating the key this tab signed in with: keep the tab signed in with the new secret.
          if (credential.kind === 'api_key' && key.secret_key === credential.value && renewed.secret_key) {
            onCredentialChange({ kind: 'api_key', value: renewed.secret_key });
          }
          setFresh(renewed);
        }
      } finally {
        setPending(null);
      }
      keys.reload();
    });
  };

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
      <ErrorAlert error={keys.error} />
      {failure?.at === 'table' && <ErrorAlert error={failure.error} />}
      <div className="table-wrap">
        <table>
          <caption>API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Corpora</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.length === 0 && (
              <tr>
                <td colSpan={6}>{keys.loading ? 'Loading…' : 'No API keys yet.'}</td>
              </tr>
            )}
            {keys.data.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name}</th>
                <td>{typeLabel(k.api_key_role)}</td>
                <td>
                  {k.api_key_role === 'personal' ? 'All your user may use' : (k.corpus_keys ?? []).join(', ') || '—'}
                </td>
                <td>{k.enabled ? 'Enabled' : 'Disabled'}</td>
                <td>{formatDate(k.created_at)}</td>
                <td className="actions">
                  <CopyButton text={k.secret_key} label="Copy" ariaLabel={`Copy key ${k.name}`} />
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`${k.enabled ? 'Disable' : 'Enable'} key ${k.name}`}
                    onClick={() => void setEnabled(k, !k.enabled)}
                  >
                    {k.enabled ? 'Disable' : 'Enable'}
                  </button>
                  {k.api_key_role === 'personal' && (
                    <button
                      type="button"
                      aria-label={`Regenerate key ${k.name}`}
                      onClick={() => setPending({ action: 'regenerate', key: k })}
                    >
                      Regenerate
                    </button>
                  )}
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete key ${k.name}`}
                    onClick={() => setPending({ action: 'delete', key: k })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CreateKeyForm corpusKeys={corpora.data.map((c) => c.key)} onCreated={(k) => { setFresh(k); keys.reload(); }} />
      {pending?.action === 'delete' && (
        <ConfirmDialog
          title="Delete API key?"
          confirmLabel="Delete"
          busy={busy}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            Deleting the key <strong>{pending.key.name}</strong> is final: it cannot be undone, and anything using the key
            stops working at once.
          </p>
        </ConfirmDialog>
      )}
      {pending?.action === 'regenerate' && (
        <ConfirmDialog
          title="Regenerate personal key?"
          confirmLabel="Regenerate"
          busy={busy}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            A new secret replaces the key <strong>{pending.key.name}</strong>. The old key stops working at once.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
