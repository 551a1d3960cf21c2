import { describe, expect, it } from 'vitest';
import { HostError } from '../host/errors';
import { runChecks, type Check } from './check';
import { doctorContext } from './testing/context';

describe('runChecks', () => {
  it('runs checks concurrently; one that hangs fails at its deadline, the others still answer', async () => {
    let aborted = false;
    // Concurrent means every check has started before the first one answers: counted, not timed.
    let started = 0;
    const startedWhenAnswered: number[] = [];
    const answer = <T>(value: T, ms: number) => {
      started++;
      return new Promise<T>((r) =>
        setTimeout(() => {
          startedWhenAnswered.push(started);
          r(value);
        }, ms),
      );
    };
    const checks: Check[] = [
      { id: 'slow-a', name: 'A', run: () => answer({ status: 'ok', detail: 'a' }, 300) },
      {
        id: 'slow-b',
        name: 'B',
        run: () => answer({ status: 'warn', detail: 'b', fix: 'do b' }, 300),
      },
      {
        id: 'hangs',
        name: 'Hangs',
        timeoutMs: 500,
        run: (_ctx, signal) => {
          started++;
          return new Promise(() => signal.addEventListener('abort', () => (aborted = true)));
        },
      },
      { id: 'bug', name: 'Bug', run: () => Promise.reject(new TypeError('x is undefined')) },
      {
        id: 'throws',
        name: 'Throws',
        run: () =>
          Promise.reject(
            new HostError({
              code: 'x',
              what: 'Tart is not installed',
              why: 'not found',
              fix: 'brew install',
            }),
          ),
      },
    ];
    const results = await runChecks(checks, doctorContext());
    expect(startedWhenAnswered).toEqual([3, 3]); // the two slow ones and the hanging one
    expect(results).toEqual([
      { id: 'slow-a', name: 'A', status: 'ok', detail: 'a' },
      { id: 'slow-b', name: 'B', status: 'warn', detail: 'b', fix: 'do b' },
      {
        id: 'hangs',
        name: 'Hangs',
        status: 'fail',
        detail: 'No answer within 0.5 s.',
        fix: expect.stringMatching(/again/),
      },
      {
        id: 'bug',
        name: 'Bug',
        status: 'fail',
        detail: 'x is undefined',
        fix: expect.stringMatching(/report it/),
      },
      {
        id: 'throws',
        name: 'Throws',
        status: 'fail',
        detail: 'Tart is not installed: not found',
        fix: 'brew install',
      },
    ]);
    expect(aborted).toBe(true);
  });
});
