import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, setUnauthorizedHandler } from './api';
import { Header } from './components/Header';
import { StatusContext, StatusRegion } from './components/Status';
import { AppClientsPage } from './pages/AppClientsPage';
import { CorporaPage } from './pages/CorporaPage';
import { KeysPage } from './pages/KeysPage';
import { PlaygroundPage } from './pages/PlaygroundPage';
import { SignInPage } from './pages/SignInPage';
import { UsersPage } from './pages/UsersPage';
import { AdminOnly } from './pages/AdminOnly';
import { navigate, useRoute } from './route';
import { clearSession, loadCredential, saveCredential, type Credential } from './session';

export function App() {
  const [credential, setCredential] = useState<Credential | null>(() => loadCredential());
  const [isAdmin, setIsAdmin] = useState<boolean | null>(null);
  const [notice, setNotice] = useState('');
  const [status, setStatus] = useState('');
  const route = useRoute();

  const signOut = useCallback((message = '') => {
    clearSession();
    setCredential(null);
    setIsAdmin(null);
    setNotice(message);
    setStatus('');
    if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler((message) =>
      signOut(`You have been signed out: ${message || 'the credential was not accepted.'} Sign in again.`),
    );
  }, [signOut]);

  // Users and App clients appear only for principals that may administer the account.
  useEffect(() => {
    if (!credential) return;
    let live = true;
    api('GET', '/v2/users?limit=1')
      .then(() => live && setIsAdmin(true))
      .catch((e: unknown) => {
        if (live && !(e instanceof ApiError && e.status === 401)) setIsAdmin(false);
      });
    return () => {
      live = false;
    };
  }, [credential]);

  const signIn = (c: Credential) => {
    saveCredential(c);
    setNotice('');
    setStatus('');
    setCredential(c);
    navigate('keys');
  };

  const replaceCredential = (c: Credential) => {
    saveCredential(c);
    setCredential(c);
  };

  const who = credential?.kind === 'bearer' ? `Signed in as ${credential.username}` : 'Signed in with an API key';

  return (
    <StatusContext.Provider value={setStatus}>
      {credential ? (
        <>
          <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
            Skip to content
          </a>
          <Header route={route} isAdmin={isAdmin === true} who={who} onSignOut={() => signOut()} />
          <main id="main" tabIndex={-1}>
            {route === 'keys' && <KeysPage credential={credential} onCredentialChange={replaceCredential} />}
            {route === 'corpora' && <CorporaPage />}
            {route === 'playground' && <PlaygroundPage />}
            {route === 'users' && (isAdmin ? <UsersPage /> : <AdminOnly title="Users" checking={isAdmin === null} />)}
            {route === 'app-clients' && (isAdmin ? <AppClientsPage /> : <AdminOnly title="App clients" checking={isAdmin === null} />)}
            <StatusRegion message={status} />
          </main>
        </>
      ) : (
        <main id="main" className="signin-main">
          <SignInPage notice={notice} onSignedIn={signIn} />
          <StatusRegion message={status} />
        </main>
      )}
    </StatusContext.Provider>
  );
}
