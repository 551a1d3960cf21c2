// Retry-until-deadline and bounded waits on timers/promises, written once for every "keep trying
// while the guest comes up" loop and every "wait for this, but not forever".
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Give up once this much time has passed since the first attempt. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Pause before attempt n+1 (n ≥ 1): grows with n, capped. */
  delayMs?: (attempt: number) => number;
  /** Called after each failed attempt with why it failed. */
  onFailedAttempt?: (attempt: number, why: string) => void;
}

/** The default backoff: 0.5 s, 1 s, 1.5 s … at most 2 s. */
export const linearBackoff = (attempt: number): number => Math.min(500 * attempt, 2000);

/**
 * Runs `attempt` until it returns null (done) or the deadline passes; then resolves with the last
 * reason it gave. The last attempt starts at most one pause after the deadline. Aborting rejects
 * at once with the signal's reason.
 */
export async function retryUntilDeadline(
  attempt: (n: number) => Promise<string | null>,
  options: RetryOptions,
): Promise<{ ok: true } | { ok: false; why: string; attempts: number }> {
  const deadline = Date.now() + options.deadlineMs;
  const delay = options.delayMs ?? linearBackoff;
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    const why = await attempt(n);
    if (why === null) return { ok: true };
    options.onFailedAttempt?.(n, why);
    if (Date.now() >= deadline) return { ok: false, why, attempts: n };
    await sleep(delay(n), undefined, options.signal ? { signal: options.signal } : {}).catch(
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
