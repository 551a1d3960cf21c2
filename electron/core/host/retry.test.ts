// Retry-until-deadline and bounded waits: attempts, deadline, abort.
import { describe, expect, it } from 'vitest';
import { retryUntilDeadline, settlesWithin } from './retry';

describe('retryUntilDeadline', () => {
  it('retries until an attempt succeeds', async () => {
    let n = 0;
    const r = await retryUntilDeadline(
      async () => (++n < 3 ? { ok: false, failure: `try ${n}` } : { ok: true, value: n }),
      { deadlineMs: 5000, delayMs: () => 1 },
    );
    expect(r).toEqual({ ok: true, value: 3, attempts: 3 });
  });

  it('gives up after the deadline with the last reason', async () => {
    const failed: number[] = [];
    const started = Date.now();
    const r = await retryUntilDeadline(async (n) => ({ ok: false, failure: `no ${n}` }), {
      deadlineMs: 100,
      delayMs: () => 10,
      onFailedAttempt: (n) => failed.push(n),
    });
    expect(r).toEqual({ ok: false, failure: `no ${failed.length}`, attempts: failed.length });
    expect(failed.length).toBeGreaterThan(1);
    // It stops near the deadline, not after some fixed number of attempts.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const r = retryUntilDeadline(async () => ({ ok: false, failure: 'not yet' }), {
      deadlineMs: 60_000,
      delayMs: () => 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 5);
    await expect(r).rejects.toThrow('stop');
  });
});

describe('settlesWithin', () => {
  it('is true when the promise settles in time (either way), false otherwise', async () => {
    expect(await settlesWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 10)).toBe(false);
  });
});
