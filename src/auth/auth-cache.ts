import type { Storage } from '../storage/types.js';
import type { Principal } from './principal.js';
import { TurnBatch, type Continuation } from './turn-batch.js';

const MAX_ENTRIES = 10_000;

/**
 * Keeps what authentication and authorization look up (principals by secret hash, verified
 * access tokens, corpus ids by key) so that most requests need no look-up of their own.
 *
 * Correctness does not depend on invalidating the right entries: every look-up follows a read of
 * the storage's auth epoch, which triggers bump on every change to users, keys, bindings, app
 * clients and corpora from any process, and everything is dropped when it moved. Disabling or
 * deleting a key therefore still takes effect on the very next request, whichever process made
 * the change. Negative answers are never kept, so guessing keys cannot fill memory.
 *
 * The epoch read is the one storage round trip an answer from the cache costs (two lock system
 * calls in SQLite), so requests share it: `whenSynced` releases all the requests that asked in one
 * turn of the event loop after one read that started after they asked (see TurnBatch).
 */
export class AuthCache {
  private epoch = -1;
  readonly principals = new Map<string, Principal>();
  readonly corpusIds = new Map<string, number>();
  /** Verified access tokens: signature checked once, expiry checked on every use. */
  readonly tokens = new Map<string, { subject: string; user: boolean; expiresAtMs: number }>();
  private readonly batch: TurnBatch;

  constructor(private readonly storage: Storage) {
    this.batch = new TurnBatch(() => this.sync());
  }

  /**
   * Calls `then` once the cache reflects every change committed before this call, from any
   * process. Look-ups must happen synchronously inside `then`, or re-read storage themselves.
   */
  whenSynced(then: Continuation): void {
    this.batch.run(then);
  }

  /** Reads the epoch synchronously when the storage can (embedded SQLite), else awaits it. */
  private sync(): void | Promise<void> {
    const epoch = this.storage.authEpochSync?.();
    if (epoch !== undefined) return this.observe(epoch);
    return this.storage.authEpoch().then((e) => this.observe(e));
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
