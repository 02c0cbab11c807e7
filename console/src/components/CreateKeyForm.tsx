import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { KEY_TYPES } from '../keyTypes';
import type { ApiKey, ApiKeyRole } from '../types';
import { ErrorAlert } from './ErrorAlert';

interface Props {
  corpusKeys: string[];
  onCreated: (key: ApiKey) => void;
}

/** Creates an API key: name, type (with what it may do), and the corpora a bound key may use. */
export function CreateKeyForm({ corpusKeys, onCreated }: Props) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('serving');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const bound = role !== 'personal';
  const help = KEY_TYPES.find((t) => t.role === role)?.help ?? '';

  const toggle = (key: string, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((k) => k !== key), key] : p.filter((k) => k !== key)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (bound && picked.length === 0) {
      setError(new Error('Pick at least one corpus for this key.'));
      return;
    }
    setBusy(true);
    try {
      const body = bound ? { name, api_key_role: role, corpus_keys: picked } : { name, api_key_role: role };
      const key = await api<ApiKey>('POST', '/v2/api_keys', body);
      setName('');
      setPicked([]);
      onCreated(key);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2 id="create-key">Create an API key</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="key-name">Key name</label>
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor="key-type">Key type</label>
        <select
          id="key-type"
          value={role}
          aria-describedby="key-type-help"
          onChange={(e) => setRole(e.target.value as ApiKeyRole)}
        >
          {KEY_TYPES.map((t) => (
            <option key={t.role} value={t.role}>
              {t.label}
            </option>
          ))}
        </select>
        <p id="key-type-help" className="help">
          {help}
        </p>
        {bound && (
          <fieldset>
            <legend>Corpora</legend>
            {corpusKeys.length === 0 && <p className="muted">No corpora yet: create one on the Corpora page first.</p>}
            {corpusKeys.map((key) => (
              <div key={key} className="check">
                <input
                  id={`key-corpus-${key}`}
                  type="checkbox"
                  checked={picked.includes(key)}
                  onChange={(e) => toggle(key, e.target.checked)}
                />
                <label htmlFor={`key-corpus-${key}`}>{key}</label>
              </div>
            ))}
          </fieldset>
        )}
        <ErrorAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Create key
        </button>
      </form>
    </section>
  );
}
