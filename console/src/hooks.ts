import { useCallback, useEffect, useState } from 'react';

/** Loads data on mount and on `reload()`; keeps the last error for an alert. */
export function useLoad<T>(load: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);

  return { data, error, loading, reload, setData };
}

/**
 * Runs a page's actions: `busy` while one runs; its error is kept with the section (`at`) it
 * belongs to, one error at a time.
 */
export interface Action<At extends string = string> {
  busy: boolean;
  run: (at: At, fn: () => Promise<void>) => Promise<void>;
  /** The last action's error when it ran for `at`, else null. */
  errorAt: (at: At) => unknown;
}

export function useAction<At extends string = string>(): Action<At> {
  const [failure, setFailure] = useState<{ at: At; error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (at: At, fn: () => Promise<void>) => {
    setFailure(null);
    setBusy(true);
    try {
      await fn();
    } catch (error) {
      setFailure({ at, error });
    } finally {
      setBusy(false);
    }
  }, []);
  const errorAt = (at: At) => (failure?.at === at ? failure.error : null);
  return { busy, run, errorAt };
}

/**
 * An action behind a confirm dialog: `ask(target)` opens it; confirming runs `perform(target)` as a
 * 'table' action, closes the dialog whatever happens, then (on success) calls `after` (a reload).
 * Spread `dialog` into <ConfirmDialog>.
 */
export function useConfirmedAction<T>(action: Action, perform: (target: T) => Promise<void>, after: () => void) {
  const [pending, setPending] = useState<T | null>(null);
  const onCancel = () => setPending(null);
  const onConfirm = () => {
    if (pending === null) return;
    const target = pending;
    void action.run('table', async () => {
      try {
        await perform(target);
      } finally {
        setPending(null);
      }
      after();
    });
  };
  return { pending, ask: (target: T) => setPending(() => target), dialog: { busy: action.busy, onConfirm, onCancel } };
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
