/**
 * The signed-in credential. It lives only in sessionStorage: it ends with the tab and is never
 * written to localStorage, a cookie or a URL.
 */
export type Credential =
  | { kind: 'api_key'; value: string }
  | { kind: 'bearer'; value: string; username: string; expiresAt: number };

const KEY = 'quarry.credential';

export function loadCredential(): Credential | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const c = JSON.parse(raw) as Credential;
    if (c.kind === 'bearer' && c.expiresAt <= Date.now()) return null;
    return c.kind === 'api_key' || c.kind === 'bearer' ? c : null;
  } catch {
    return null;
  }
}

export function saveCredential(c: Credential): void {
  sessionStorage.setItem(KEY, JSON.stringify(c));
}

export function clearSession(): void {
  sessionStorage.clear();
}

/** The header that carries the credential on every API call. */
export function authHeaders(c: Credential | null): Record<string, string> {
  if (!c) return {};
  return c.kind === 'api_key' ? { 'x-api-key': c.value } : { authorization: `Bearer ${c.value}` };
}
