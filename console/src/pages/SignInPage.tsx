import { useState, type FormEvent } from 'react';
import { ApiError, api, seg } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { useAnnounce } from '../components/Status';
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

type Failure = { at: 'key' | 'password' | 'set'; error: unknown } | null;

/** Sign in with a personal API key or a user name and password; set a password from a one-time code. */
export function SignInPage({ notice, onSignedIn }: Props) {
  const announce = useAnnounce();
  const [failure, setFailure] = useState<Failure>(null);
  const [busy, setBusy] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [setUser, setSetUser] = useState('');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');

  const run = async (at: 'key' | 'password' | 'set', fn: () => Promise<void>) => {
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

  const withKey = (e: FormEvent) => {
    e.preventDefault();
    void run('key', async () => {
      const value = apiKey.trim();
      if (!value) throw new Error('Enter a personal API key.');
      // Check the key before keeping it: a 401 here is a wrong key, not an expired session.
      const res = await fetch('/v2/api_keys?limit=1', { headers: { 'x-api-key': value, accept: 'application/json' } });
      if (res.status === 401) {
        const body = (await res.json().catch(() => ({}))) as { messages?: string[] };
        throw new ApiError(401, body.messages?.length ? body.messages : ['That API key was not accepted.']);
      }
      onSignedIn({ kind: 'api_key', value });
    });
  };

  const withPassword = (e: FormEvent) => {
    e.preventDefault();
    void run('password', async () => {
      const s = await api<Session>('POST', '/quarry/session', { username, password });
      onSignedIn({
        kind: 'bearer',
        value: s.access_token,
        username: s.username,
        expiresAt: Date.now() + Math.max(0, s.expires_in - 5) * 1000,
      });
    });
  };

  const setNew = (e: FormEvent) => {
    e.preventDefault();
    void run('set', async () => {
      await api('POST', `/quarry/users/${seg(setUser)}/password`, { one_time_code: code, password: newPassword });
      setCode('');
      setNewPassword('');
      setUsername(setUser);
      announce(`Password set for ${setUser}. You can sign in with it now.`);
    });
  };

  return (
    <div className="signin">
      <PageHeading>Sign in to Quarry</PageHeading>
      {notice && (
        <div role="alert" className="alert">
          <p>{notice}</p>
        </div>
      )}

      <section className="card">
        <h2 id="signin-key">With a personal API key</h2>
        <form onSubmit={withKey}>
          <label htmlFor="api-key">Personal API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            required
          />
          {failure?.at === 'key' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Sign in with key
          </button>
        </form>
      </section>

      <section className="card">
        <h2 id="signin-password">With your user name and password</h2>
        <form onSubmit={withPassword}>
          <label htmlFor="username">User name</label>
          <input
            id="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          {failure?.at === 'password' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </section>

      <section aria-labelledby="set-password" className="card">
        <h2 id="set-password">Set a password</h2>
        <p className="muted">Use the one-time code an administrator gave you. Passwords need at least 12 characters.</p>
        <form onSubmit={setNew}>
          <label htmlFor="set-username">User name</label>
          <input
            id="set-username"
            aria-label="User name for new password"
            autoComplete="username"
            value={setUser}
            onChange={(e) => setSetUser(e.target.value)}
            required
          />
          <label htmlFor="one-time-code">One-time code</label>
          <input
            id="one-time-code"
            autoComplete="one-time-code"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            required
          />
          {failure?.at === 'set' && <ErrorAlert error={failure.error} />}
          <button type="submit" className="primary" disabled={busy}>
            Set password
          </button>
        </form>
      </section>
    </div>
  );
}
