import type { Storage } from '../storage/types.js';
import type { Principal } from './principal.js';

const MAX_ENTRIES = 10_000;

/**
 * Keeps what authentication and authorization look up (principals by secret hash, verified
 * access tokens, corpus ids by key) so a request costs one tiny storage read instead of several.
 *
 * Correctness does not depend on invalidating the right entries: `sync()` reads the storage's
 * auth epoch, which triggers bump on every change to users, keys, bindings, app clients and
 * corpora from any process, and drops everything when it moved. Disabling or deleting a key
 * therefore still takes effect on the very next request. Negative answers are never kept, so
 * guessing keys cannot fill memory.
 */
export class AuthCache {
  private epoch = -1;
  readonly principals = new Map<string, Principal>();
  readonly corpusIds = new Map<string, number>();
  /** Verified access tokens: signature checked once, expiry checked on every use. */
  readonly tokens = new Map<string, { subject: string; user: boolean; expiresAtMs: number }>();

  constructor(private readonly storage: Storage) {}

  /** Call once per request, before any look-up. */
  async sync(): Promise<void> {
    this.observe(await this.storage.authEpoch());
  }

  /** The synchronous form of sync(); false when the storage cannot read its epoch synchronously. */
  syncNow(): boolean {
    const epoch = this.storage.authEpochSync?.();
    if (epoch === undefined) return false;
    this.observe(epoch);
    return true;
  }

  private observe(epoch: number): void {
    if (epoch !== this.epoch) {
      this.principals.clear();
      this.corpusIds.clear();
      this.epoch = epoch;
    }
  }

  /** Bounded maps: when one is full it is emptied, the simplest policy that keeps memory flat. */
  remember<K, V>(map: Map<K, V>, key: K, value: V): V {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, value);
    return value;
  }
}
