import { useState, type FormEvent } from 'react';
import { api, listAll, seg } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { UploadForm } from '../components/UploadForm';
import { useLoad, type Failure } from '../hooks';
import type { Corpus } from '../types';

type Pending = { action: 'reset' | 'delete'; key: string } | null;

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
  const [failure, setFailure] = useState<Failure>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState('');
  const [name, setName] = useState('');

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
      await api('POST', '/v2/corpora', name ? { key, name } : { key });
      setKey('');
      setName('');
      corpora.reload();
    });
  };

  const confirm = () => {
    if (!pending) return;
    const { action, key: k } = pending;
    void run('table', async () => {
      try {
        if (action === 'delete') await api('DELETE', `/v2/corpora/${seg(k)}`);
        else await api('POST', `/v2/corpora/${seg(k)}/reset`);
      } finally {
        setPending(null);
      }
      corpora.reload();
    });
  };

  return (
    <>
      <PageHeading>Corpora</PageHeading>
      <section className="card">
        <h2 id="create-corpus">Create a corpus</h2>
        <form onSubmit={create}>
          <label htmlFor="corpus-key">Corpus key</label>
          <input
            id="corpus-key"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            spellCheck={false}
            aria-describedby="corpus-key-help"
          />
          <p id="corpus-key-help" className="help">
            Letters, digits, _, = and -; up to 50 characters. It cannot be changed later.
          </p>
          <label htmlFor="corpus-name">Corpus name</label>
          <input id="corpus-name" value={name} onChange={(e) => setName(e.target.value)} />
          {failure?.at === 'create' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Create corpus
          </button>
        </form>
      </section>

      <ErrorAlert error={corpora.error} />
      {failure?.at === 'table' && <ErrorAlert error={failure.error} />}
      <div className="table-wrap">
        <table>
          <caption>Corpora</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Documents</th>
              <th scope="col">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {corpora.data.length === 0 && (
              <tr>
                <td colSpan={5}>{corpora.loading ? 'Loading…' : 'No corpora yet.'}</td>
              </tr>
            )}
            {corpora.data.map((c) => (
              <tr key={c.key}>
                <th scope="row">
                  <code>{c.key}</code>
                </th>
                <td>{c.name ?? c.key}</td>
                <td>{c.limits?.used_docs?.toLocaleString() ?? '—'}</td>
                <td>{size(c)}</td>
                <td className="actions">
                  <button
                    type="button"
                    aria-label={`Reset corpus ${c.key}`}
                    onClick={() => setPending({ action: 'reset', key: c.key })}
                  >
                    Reset
                  </button>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete corpus ${c.key}`}
                    onClick={() => setPending({ action: 'delete', key: c.key })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <UploadForm corpusKeys={corpora.data.map((c) => c.key)} onUploaded={corpora.reload} />

      {pending?.action === 'reset' && (
        <ConfirmDialog title="Reset corpus?" confirmLabel="Reset" busy={busy} onConfirm={confirm} onCancel={() => setPending(null)}>
          <p>
            Resetting <strong>{pending.key}</strong> removes every document in it. The corpus and its settings stay. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {pending?.action === 'delete' && (
        <ConfirmDialog title="Delete corpus?" confirmLabel="Delete" busy={busy} onConfirm={confirm} onCancel={() => setPending(null)}>
          <p>
            Deleting <strong>{pending.key}</strong> is final: the corpus and all its documents are removed, and keys bound to
            it can no longer use it.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
