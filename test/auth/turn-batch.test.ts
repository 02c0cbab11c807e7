import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../src/auth/turn-batch.js';

/** Resolves with the error each continuation was called with (undefined: the check passed). */
function ask(batch: TurnBatch): Promise<unknown> {
  return new Promise((resolve) => batch.run(resolve));
}

describe('TurnBatch: one check per turn of the event loop', () => {
  it('runs the check once for every caller of one turn, and only after they asked', async () => {
    let state = 'before';
    const seen: string[] = [];
    const batch = new TurnBatch(() => void seen.push(state));
    const first = ask(batch);
    state = 'changed after the first caller asked, in the same turn';
    const second = ask(batch);
    expect(seen).toEqual([]);
    expect(await Promise.all([first, second])).toEqual([undefined, undefined]);
    expect(seen).toEqual(['changed after the first caller asked, in the same turn']);
  });

  it('checks again for callers of a later turn', async () => {
    let checks = 0;
    const batch = new TurnBatch(() => void checks++);
    await ask(batch);
    await nextTurn();
    await ask(batch);
    expect(checks).toBe(2);
  });

  it('makes a caller who arrives while an asynchronous check is under way wait for the next check', async () => {
    const started: number[] = [];
    let finish: Array<() => void> = [];
    const batch = new TurnBatch(() => {
      started.push(started.length + 1);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    const order: string[] = [];
    const early = ask(batch).then(() => order.push('early'));
    while (started.length < 1) await nextTurn();
    const late = ask(batch).then(() => order.push('late'));
    // The first check has not finished: the late caller must not ride on it.
    finish.shift()!();
    await early;
    expect(order).toEqual(['early']);
    while (started.length < 2) await nextTurn();
    finish.shift()!();
    await late;
    expect(order).toEqual(['early', 'late']);
    finish = [];
  });

  it('hands a failed check to every caller of the turn', async () => {
    const boom = new Error('epoch unreadable');
    const sync = new TurnBatch(() => {
      throw boom;
    });
    expect(await Promise.all([ask(sync), ask(sync)])).toEqual([boom, boom]);
    const rejected = new TurnBatch(() => Promise.reject(boom));
    expect(await Promise.all([ask(rejected), ask(rejected)])).toEqual([boom, boom]);
    const noReason = new TurnBatch(() => Promise.reject(undefined));
    expect(await ask(noReason)).toBeInstanceOf(Error);
  });

  it('still releases the other callers when one continuation throws, then rethrows its error', async () => {
    const batch = new TurnBatch(() => undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      const bug = new Error('a buggy continuation');
      batch.run(() => {
        throw bug;
      });
      const after = ask(batch);
      expect(await after).toBeUndefined();
      await nextTurn();
      expect(uncaught).toEqual([bug]);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const l of listeners) process.on('uncaughtException', l);
    }
  });
});
