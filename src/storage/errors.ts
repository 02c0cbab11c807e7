/**
 * Storage errors a client can retry. SQLite reports SQLITE_BUSY (or one of its extended codes)
 * when another connection, usually another process such as the operator CLI, held the write lock
 * for longer than busy_timeout: nothing was written, and the same request may succeed a moment
 * later. The API answers these with 503 and Retry-After rather than an internal error.
 */
export function isStorageBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}
