import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import type { SessionContext } from './context';
import { need } from './need';
import { runPipeline } from './pipeline';
import { emptyResources } from './resources';
import { bootstrapLaravel } from './steps/bootstrap-laravel';
import { createSshTunnel } from './steps/create-ssh-tunnel';

// Only what need() reads: nothing made yet.
const fresh = () =>
  ({
    names: null,
    auth: null,
    services: null,
    state: { worktreeDir: null, vmIp: null, url: null },
    live: emptyResources(),
  }) as unknown as SessionContext;

describe('need', () => {
  it('names the step that must run first when a step runs out of order', async () => {
    const events: PipelineEvent[] = [];
    await expect(
      runPipeline('session', [bootstrapLaravel], fresh(), (e) => events.push(e)),
    ).rejects.toMatchObject({
      step: 'bootstrap-laravel',
      problem: {
        what: 'Internal: Boot the VM must run before Bootstrap Laravel',
        fix: expect.stringMatching(/bug in Clave/),
      },
    });
    expect(events.at(-1)).toMatchObject({ type: 'step-failed', step: 'bootstrap-laravel' });
  });

  it('returns what an earlier step made', () => {
    const ctx = fresh();
    ctx.state.url = 'http://127.0.0.1:8081';
    expect(need(ctx, 'url', createSshTunnel)).toBe('http://127.0.0.1:8081');
    expect(() => need(ctx, 'tunnel', bootstrapLaravel)).toThrow(
      'Internal: Open the tunnel to the site must run before Bootstrap Laravel',
    );
  });
});
