/**
 * A fixed number of slots taken first come, first served (a counting semaphore). A waiter whose
 * signal aborts leaves the queue at once, so an abandoned call never holds up the calls behind it.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    this.free = Math.max(1, Math.floor(count));
  }

  /**
   * Resolves with the function that gives the slot back (calling it more than once is harmless),
   * or rejects with `aborted()` if `signal` aborts before a slot is free.
   */
  acquire(signal: AbortSignal | undefined, aborted: () => Error): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(aborted());
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaser());
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(aborted());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
