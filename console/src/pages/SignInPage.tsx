import { useState } from 'react';
import { ApiError, api, seg } from '../api';
import { FormCard } from '../components/FormCard';
import { FormField } from '../components/FormField';
import { PageHeading } from '../components/PageHeading';
import { useAnnounce } from '../components/Status';
import { useAction } from '../hooks';
import type { Credential } from '../session';

interface Session {
  access_token: string;
  token_type: string;
  expires_in: number;
  username: string;
}

interface Props {
  notice: string;
  onSignedIn: (c: Credential) => void;
}

/** Sign in with a personal API key or a user name and password; set a password from a one-time code. */
export function SignInPage({ notice, onSignedIn }: Props) {
  const announce = useAnnounce();
  const action = useAction<'key' | 'password' | 'set'>();
  const [apiKey, setApiKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [setUser, setSetUser] = useState('');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');

  const withKey = async () => {
    const value = apiKey.trim();
    if (!value) throw new Error('Enter a personal API key.');
    // Check the key before keeping it: a 401 here is a wrong key, not an expired session.
    const res = await fetch('/v2/api_keys?limit=1', { headers: { 'x-api-key': value, accept: 'application/json' } });
    if (res.status === 401) {
      const body = (await res.json().catch(() => ({}))) as { messages?: string[] };
      throw new ApiError(401, body.messages?.length ? body.messages : ['That API key was not accepted.']);
    }
    onSignedIn({ kind: 'api_key', value });
  };

  const withPassword = async () => {
    const s = await api<Session>('POST', '/quarry/session', { username, password });
    onSignedIn({
      kind: 'bearer',
      value: s.access_token,
      username: s.username,
      expiresAt: Date.now() + Math.max(0, s.expires_in - 5) * 1000,
    });
  };

  const setNew = async () => {
    await api('POST', `/quarry/users/${seg(setUser)}/password`, { one_time_code: code, password: newPassword });
    setCode('');
    setNewPassword('');
    setUsername(setUser);
    announce(`Password set for ${setUser}. You can sign in with it now.`);
  };

  return (
    <div className="signin">
      <PageHeading>Sign in to Quarry</PageHeading>
      {notice && (
        <div role="alert" className="alert">
          <p>{notice}</p>
        </div>
      )}

      <FormCard
        id="signin-key"
        title="With a personal API key"
        submitLabel="Sign in with key"
        onSubmit={withKey}
        action={action}
        at="key"
      >
        <FormField
          id="api-key"
          label="Personal API key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onValue={setApiKey}
          required
        />
      </FormCard>

      <FormCard
        id="signin-password"
        title="With your user name and password"
        submitLabel="Sign in"
        onSubmit={withPassword}
        action={action}
        at="password"
      >
        <FormField id="username" label="User name" autoComplete="username" value={username} onValue={setUsername} required />
        <FormField
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          required
        />
      </FormCard>

      <FormCard
        id="set-password"
        title="Set a password"
        labelled
        intro={
          <p className="muted">Use the one-time code an administrator gave you. Passwords need at least 12 characters.</p>
        }
        submitLabel="Set password"
        onSubmit={setNew}
        action={action}
        at="set"
      >
        <FormField
          id="set-username"
          label="User name"
          aria-label="User name for new password"
          autoComplete="username"
          value={setUser}
          onValue={setSetUser}
          required
        />
        <FormField
          id="one-time-code"
          label="One-time code"
          autoComplete="one-time-code"
          spellCheck={false}
          value={code}
          onValue={setCode}
          required
        />
        <FormField
          id="new-password"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onValue={setNewPassword}
          required
        />
      </FormCard>
    </div>
  );
}
