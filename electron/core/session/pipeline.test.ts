import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import { PipelineFailure, runPipeline, type Step } from './pipeline';
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
});
