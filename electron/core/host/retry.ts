// Retry-until-deadline and bounded waits on timers/promises, written once for every "keep trying
// while the guest comes up" loop (ssh login, folder mounts) and every "wait for this, not forever".
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions<F> {
  /** Start no attempt once this much time has passed since the first one. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Pause before attempt n+1 (n ≥ 1). */
  delayMs?: (attempt: number) => number;
  /** Called after each failed attempt with what it failed with. */
  onFailedAttempt?: (attempt: number, failure: F) => void;
}

/** The default backoff: 0.5 s, 1 s, 1.5 s … at most 2 s. */
export const linearBackoff = (attempt: number): number => Math.min(500 * attempt, 2000);

export type Attempt<T, F> = { ok: true; value: T } | { ok: false; failure: F };
export type RetryResult<T, F> = Attempt<T, F> & { attempts: number };

/**
 * Runs `attempt` (given its number and the time left) until it succeeds or the next one would
 * start at or after the deadline; then resolves with the last failure. Aborting rejects at once
 * with the signal's reason.
 */
export async function retryUntilDeadline<T, F>(
  attempt: (n: number, remainingMs: number) => Promise<Attempt<T, F>>,
  options: RetryOptions<F>,
): Promise<RetryResult<T, F>> {
  const deadline = Date.now() + options.deadlineMs;
  const delay = options.delayMs ?? linearBackoff;
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    const result = await attempt(n, deadline - Date.now());
    if (result.ok) return { ...result, attempts: n };
    options.onFailedAttempt?.(n, result.failure);
    const wait = delay(n);
    if (Date.now() + wait >= deadline) return { ...result, attempts: n };
    await sleep(wait, undefined, options.signal ? { signal: options.signal } : {}).catch(
      (error: unknown) => {
        options.signal?.throwIfAborted(); // the signal's own reason, not a generic AbortError
        throw error;
      },
    );
  }
}

/** Waits for `promise` at most `ms`; true when it settled (either way) in time. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timeout = new AbortController();
  const settled = promise.then(
    () => true,
    () => true,
  );
  const timer = sleep(ms, false, { signal: timeout.signal }).catch(() => false);
  try {
    return await Promise.race([settled, timer]);
  } finally {
    timeout.abort();
  }
}
