import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import { PipelineFailure, parallel, runPipeline, stepsOf, type Step } from './pipeline';
import { StepAbort } from './problem';

type Ctx = { log: string[] };
const step = (name: string, run: Step<Ctx>['run']): Step<Ctx> => ({
  name,
  label: `Do ${name}`,
  run,
});

describe('pipeline runner', () => {
  it('runs steps in order and reports each with a duration', async () => {
    const events: PipelineEvent[] = [];
    const ctx: Ctx = { log: [] };
    await runPipeline(
      'session',
      [
        step('a', async (c, p) => {
          c.log.push('a');
          p.hint('working');
        }),
        step('b', async (c, p) => {
          c.log.push('b');
          p.warn({ what: 'MySQL unreachable', fix: 'open it' });
        }),
      ],
      ctx,
      (e) => events.push(e),
    );
    expect(ctx.log).toEqual(['a', 'b']);
    expect(events.map((e) => e.type)).toEqual([
      'pipeline-started',
      'step-started',
      'step-hint',
      'step-finished',
      'step-started',
      'step-warning',
      'step-finished',
      'pipeline-finished',
    ]);
  });

  it('stops at the first failure with the step and a person-readable problem', async () => {
    const events: PipelineEvent[] = [];
    const ctx: Ctx = { log: [] };
    const run = runPipeline(
      'preflight',
      [
        step('validate', async () => {
          throw new StepAbort({
            what: 'Not a Laravel project',
            fix: 'Pick the folder with artisan',
          });
        }),
        step('never', async (c) => void c.log.push('never')),
      ],
      ctx,
      (e) => events.push(e),
    );
    await expect(run).rejects.toBeInstanceOf(PipelineFailure);
    await run.catch((f: PipelineFailure) => {
      expect(f.step).toBe('validate');
      expect(f.problem).toEqual({
        what: 'Not a Laravel project',
        fix: 'Pick the folder with artisan',
      });
    });
    expect(ctx.log).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'step-failed', step: 'validate' });
  });

  it('turns an abort into an interruption of the running step', async () => {
    const ac = new AbortController();
    const run = runPipeline(
      'session',
      [step('boot', async () => ac.abort()), step('next', async () => {})],
      { log: [] },
      () => {},
      ac.signal,
    );
    await expect(run).rejects.toMatchObject({
      step: 'boot',
      problem: { what: 'Do boot was interrupted' },
    });
  });

  describe('parallel groups', () => {
    /** A promise a test settles by hand, to order what steps do across lanes. */
    function gate() {
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      return { open, opened };
    }

    it('runs lanes at once, each in order, with every step reported', async () => {
      const events: PipelineEvent[] = [];
      const ctx: Ctx = { log: [] };
      const copied = gate();
      await runPipeline(
        'session',
        [
          parallel(
            step('copy', async (c) => {
              await copied.opened;
              c.log.push('copy');
            }),
            [
              // Runs while copy waits: copy only finishes once clone has started.
              step('clone', async (c) => {
                c.log.push('clone');
                copied.open();
              }),
              step('boot', async (c) => void c.log.push('boot')),
            ],
          ),
          step('after', async (c) => void c.log.push('after')),
        ],
        ctx,
        (e) => events.push(e),
      );
      expect(ctx.log.indexOf('clone')).toBeLessThan(ctx.log.indexOf('copy'));
      expect(ctx.log.indexOf('clone')).toBeLessThan(ctx.log.indexOf('boot'));
      expect(ctx.log.at(-1)).toBe('after');
      expect(events[0]).toMatchObject({
        type: 'pipeline-started',
        steps: ['copy', 'clone', 'boot', 'after'].map((n) => ({ name: n })),
      });
      // Both lanes started before either finished.
      const types = events.map((e) => ('step' in e ? `${e.type}:${e.step}` : e.type));
      expect(types.slice(1, 3)).toEqual(['step-started:copy', 'step-started:clone']);
      for (const n of ['copy', 'clone', 'boot', 'after'])
        expect(types).toContain(`step-finished:${n}`);
      expect(types.at(-1)).toBe('pipeline-finished');
    });

    it('fails with the first failure, interrupts the other lanes and waits for them', async () => {
      const events: PipelineEvent[] = [];
      const ctx: Ctx = { log: [] };
      let sawAbort = false;
      const run = runPipeline(
        'session',
        [
          parallel(
            step('copy', async () => {
              throw new StepAbort({ what: 'The copy cannot be made' });
            }),
            [
              step('clone', async (c, p) => {
                // A long step that stops when told to, as vms.clone does with its signal.
                await new Promise<void>((resolve) =>
                  p.signal.addEventListener('abort', () => resolve()),
                );
                sawAbort = true;
                c.log.push('clone cleaned up');
                throw p.signal.reason;
              }),
              step('boot', async (c) => void c.log.push('boot')),
            ],
          ),
          step('after', async (c) => void c.log.push('after')),
        ],
        ctx,
        (e) => events.push(e),
      );
      const failure = await run.catch((f: unknown) => f);
      expect(failure).toBeInstanceOf(PipelineFailure);
      expect(failure).toMatchObject({ step: 'copy', problem: { what: 'The copy cannot be made' } });
      // The interrupted lane had settled before the pipeline failed; nothing after it ran.
      expect(sawAbort).toBe(true);
      expect(ctx.log).toEqual(['clone cleaned up']);
      const failed = events.filter((e) => e.type === 'step-failed');
      expect(failed).toEqual([
        expect.objectContaining({ step: 'copy' }),
        expect.objectContaining({
          step: 'clone',
          problem: { what: 'Do clone was interrupted', why: 'Do copy failed.' },
        }),
      ]);
      expect(events.some((e) => 'step' in e && e.step === 'boot')).toBe(false);
    });

    it('a lane that finishes despite a failure elsewhere is reported finished', async () => {
      const events: PipelineEvent[] = [];
      const slow = gate();
      const run = runPipeline(
        'session',
        [
          parallel(
            step('proxy', async () => {
              await slow.opened;
            }),
            step('deps', async () => {
              slow.open();
              throw new Error('boom');
            }),
          ),
        ],
        { log: [] },
        (e) => events.push(e),
      );
      await expect(run).rejects.toMatchObject({ step: 'deps' });
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'step-finished', step: 'proxy' }),
      );
    });

    it('a stop while a group runs interrupts every lane', async () => {
      const ac = new AbortController();
      const events: PipelineEvent[] = [];
      const waitForStop = (_c: Ctx, p: { signal: AbortSignal }) =>
        new Promise<void>((_, reject) =>
          p.signal.addEventListener('abort', () => reject(new Error('stopped'))),
        );
      const run = runPipeline(
        'session',
        [parallel(step('a', waitForStop), step('b', waitForStop))],
        { log: [] },
        (e) => events.push(e),
        ac.signal,
      );
      setTimeout(() => ac.abort(), 5);
      await expect(run).rejects.toMatchObject({ problem: { what: /was interrupted/ } });
      const failed = events.filter((e) => e.type === 'step-failed');
      expect(failed.map((e) => ('problem' in e ? e.problem.why : ''))).toEqual([
        'The session was stopped while starting.',
        'The session was stopped while starting.',
      ]);
    });

    it('lists the steps of groups in order', () => {
      const s = (n: string) => step(n, async () => {});
      expect(
        stepsOf([s('a'), parallel(s('b'), [s('c'), s('d')]), s('e')]).map((x) => x.name),
      ).toEqual(['a', 'b', 'c', 'd', 'e']);
    });
  });
});
