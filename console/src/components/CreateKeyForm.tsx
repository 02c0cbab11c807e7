import { useState } from 'react';
import { api } from '../api';
import { useAction } from '../hooks';
import { KEY_TYPES } from '../keyTypes';
import type { ApiKey, ApiKeyRole } from '../types';
import { FormCard } from './FormCard';
import { FormField } from './FormField';

interface Props {
  corpusKeys: string[];
  onCreated: (key: ApiKey) => void;
}

/** Creates an API key: name, type (with what it may do), and the corpora a bound key may use. */
export function CreateKeyForm({ corpusKeys, onCreated }: Props) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('serving');
  const [picked, setPicked] = useState<string[]>([]);
  const action = useAction<'form'>();
  const bound = role !== 'personal';
  const help = KEY_TYPES.find((t) => t.role === role)?.help ?? '';

  const toggle = (key: string, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((k) => k !== key), key] : p.filter((k) => k !== key)));

  const submit = async () => {
    if (bound && picked.length === 0) throw new Error('Pick at least one corpus for this key.');
    const body = bound ? { name, api_key_role: role, corpus_keys: picked } : { name, api_key_role: role };
    const key = await api<ApiKey>('POST', '/v2/api_keys', body);
    setName('');
    setPicked([]);
    onCreated(key);
  };

  return (
    <FormCard
      id="create-key"
      title="Create an API key"
      submitLabel="Create key"
      onSubmit={submit}
      action={action}
      at="form"
    >
      <FormField id="key-name" label="Key name" value={name} onValue={setName} required />
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
    </FormCard>
  );
}
