import { useEffect, useState } from 'react';

export type Route = 'keys' | 'corpora' | 'playground' | 'users' | 'app-clients';
const ROUTES: Route[] = ['keys', 'corpora', 'playground', 'users', 'app-clients'];

export function parseHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as string[]).includes(name) ? (name as Route) : 'keys';
}

export function navigate(route: Route): void {
  window.location.hash = `#/${route}`;
}

/** The current hash route (`#/keys`, `#/corpora`, …). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
