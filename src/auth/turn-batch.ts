/**
 * One check shared by every caller that asks for it within one turn of the event loop.
 *
 * `run(then)` queues `then`. In the next check phase (setImmediate) the check runs once, and then
 * every continuation queued before it started is called, with the check's error if it failed.
 *
 * The contract callers rely on: a continuation runs after a check that *started after the caller
 * asked*. The authentication hook asks once a request's bytes have been read, so a change that
 * was committed before the client sent the request is seen by the check that releases it, however
 * many requests share that check. Under load many requests arrive per turn and share one check; an
 * idle server pays one setImmediate per request.
 *
 * Continuations are called synchronously one after another and must not throw: they own their
 * errors (the authentication hook hands them to fastify's `done`). One that throws anyway does not
 * keep the others from running; its error is rethrown after them.
 */
export type Continuation = (err?: unknown) => void;

export class TurnBatch {
  private queued: Continuation[] = [];

  /** `check` may return a promise (storage that cannot answer synchronously); it is awaited once. */
  constructor(private readonly check: () => void | Promise<void>) {}

  run(then: Continuation): void {
    // The first caller of a turn schedules the flush; flush swaps the queue before checking, so a
    // caller that arrives while a check is under way waits for the next one.
    if (this.queued.push(then) === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const batch = this.queued;
    this.queued = [];
    let pending: void | Promise<void>;
    try {
      pending = this.check();
    } catch (err) {
      release(batch, err);
      return;
    }
    if (pending) pending.then(() => release(batch), (err: unknown) => release(batch, err ?? new Error('check failed')));
    else release(batch);
  };
}

function release(batch: readonly Continuation[], err?: unknown): void {
  let thrown: { error: unknown } | undefined;
  for (const then of batch) {
    try {
      then(err);
    } catch (error) {
      // A bug: continuations own their errors. The rest still run; the first error is rethrown.
      thrown ??= { error };
    }
  }
  if (thrown) throw thrown.error;
}
