import { useState } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DataTable } from '../components/DataTable';
import { FormCard } from '../components/FormCard';
import { FormField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { RowButton } from '../components/RowButton';
import { UploadForm } from '../components/UploadForm';
import { useAction, useConfirmedAction, useLoad } from '../hooks';
import type { Corpus } from '../types';

type Pending = { action: 'reset' | 'delete'; key: string };

/** Lists corpora with their usage (GET /v2/corpora/{key} carries `limits`). */
async function loadCorpora(): Promise<Corpus[]> {
  const list = await listAll<Corpus>('/v2/corpora', 'corpora');
  return Promise.all(list.map((c) => api<Corpus>('GET', `/v2/corpora/${seg(c.key)}`).catch(() => c)));
}

function size(c: Corpus): string {
  const l = c.limits;
  if (!l) return '—';
  if (typeof l.used_bytes === 'number' && l.used_bytes > 0) return `${l.used_bytes.toLocaleString()} bytes`;
  if (typeof l.used_characters === 'number') return `${l.used_characters.toLocaleString()} characters`;
  return '—';
}

export function CorporaPage() {
  const corpora = useLoad(loadCorpora, []);
  const action = useAction();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const pending = useConfirmedAction<Pending>(
    action,
    async ({ action: what, key: k }) => {
      if (what === 'delete') await api('DELETE', `/v2/corpora/${seg(k)}`);
      else await api('POST', `/v2/corpora/${seg(k)}/reset`);
    },
    corpora.reload,
  );

  const create = async () => {
    await api('POST', '/v2/corpora', name ? { key, name } : { key });
    setKey('');
    setName('');
    corpora.reload();
  };

  return (
    <>
      <PageHeading>Corpora</PageHeading>
      <FormCard
        id="create-corpus"
        title="Create a corpus"
        submitLabel="Create corpus"
        onSubmit={create}
        action={action}
        at="create"
      >
        <FormField
          id="corpus-key"
          label="Corpus key"
          value={key}
          onValue={setKey}
          required
          spellCheck={false}
          help="Letters, digits, _, = and -; up to 50 characters. It cannot be changed later."
        />
        <FormField id="corpus-name" label="Corpus name" value={name} onValue={setName} />
      </FormCard>

      <DataTable
        caption="Corpora"
        columns={['Key', 'Name', 'Documents', 'Size', 'Actions']}
        list={corpora}
        error={action.errorAt('table')}
        empty="No corpora yet."
        row={(c) => (
          <tr key={c.key}>
            <th scope="row">
              <code>{c.key}</code>
            </th>
            <td>{c.name ?? c.key}</td>
            <td>{c.limits?.used_docs?.toLocaleString() ?? '—'}</td>
            <td>{size(c)}</td>
            <td className="actions">
              <RowButton name={`Reset corpus ${c.key}`} onClick={() => pending.ask({ action: 'reset', key: c.key })}>
                Reset
              </RowButton>
              <RowButton
                name={`Delete corpus ${c.key}`}
                danger
                onClick={() => pending.ask({ action: 'delete', key: c.key })}
              >
                Delete
              </RowButton>
            </td>
          </tr>
        )}
      />

      <UploadForm corpusKeys={corpora.data.map((c) => c.key)} onUploaded={corpora.reload} />

      {pending.pending?.action === 'reset' && (
        <ConfirmDialog title="Reset corpus?" confirmLabel="Reset" {...pending.dialog}>
          <p>
            Resetting <strong>{pending.pending.key}</strong> removes every document in it. The corpus and its settings
            stay. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {pending.pending?.action === 'delete' && (
        <ConfirmDialog title="Delete corpus?" confirmLabel="Delete" {...pending.dialog}>
          <p>
            Deleting <strong>{pending.pending.key}</strong> is final: the corpus and all its documents are removed, and
            keys bound to it can no longer use it.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
