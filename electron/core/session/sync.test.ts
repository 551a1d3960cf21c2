// The copy's syncs: one at a time per session, the changes view's at most once per window, a
// refusal shown once on the session, and a shared copy never synced.
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../shared/session';
import type { SessionContext } from './context';
import { CopySync } from './sync';

function session(opts: { shares?: boolean; refuse?: Problem } = {}) {
  let collects = 0;
  const warnings: Problem[] = [];
  const state = { worktreeDir: '/copy', syncedAt: null as string | null, warnings };
  const ctx = {
    state,
    live: { ssh: { closed: false } },
    deps: {
      vms: {
        sharesFolders: opts.shares ?? false,
        collect: async () => {
          collects++;
          await new Promise((r) => setTimeout(r, 20));
          if (opts.refuse) throw Object.assign(new Error(opts.refuse.what), opts.refuse);
        },
      },
    },
    update: (p: { syncedAt?: string }) => Object.assign(state, p),
    warn: (p: Problem) => warnings.push(p),
  } as unknown as SessionContext;
  return { ctx, collects: () => collects, warnings, state };
}

describe('CopySync', () => {
  it('joins a sync under way, and records when it finished', async () => {
    const s = session();
    const sync = new CopySync(() => s.ctx, 1000);
    const [a, b] = await Promise.all([sync.now('x'), sync.now('x')]);
    expect(a).toBe(b);
    expect(s.collects()).toBe(1);
    expect(s.state.syncedAt).toBe(a!.toISOString());
  });

  it('syncs for the changes view at most once per window', async () => {
    const s = session();
    // A window wide enough that a loaded machine cannot stall past it between two calls.
    const sync = new CopySync(() => s.ctx, 1000);
    await sync.fresh('x');
    await sync.fresh('x');
    expect(s.collects()).toBe(1);
    await new Promise((r) => setTimeout(r, 1050));
    await sync.fresh('x');
    expect(s.collects()).toBe(2);
  });

  it('a refusal is a warning on the session, once, and the on-demand sync rejects with it', async () => {
    const refuse = { what: 'The session copy changed on this Mac', fix: 'Commit it first.' };
    const s = session({ refuse });
    const sync = new CopySync(() => s.ctx, 0);
    await sync.quietly('x');
    await sync.quietly('x');
    await expect(sync.now('x')).rejects.toMatchObject({ what: refuse.what });
    expect(s.warnings.map((w) => w.what)).toEqual([refuse.what]);
    expect(s.state.syncedAt).toBeNull();
  });

  it('a shared copy is in sync already: nothing is collected', async () => {
    const s = session({ shares: true });
    const sync = new CopySync(() => s.ctx, 0);
    expect(await sync.now('x')).toBeNull();
    await sync.fresh('x');
    expect(s.collects()).toBe(0);
  });
});
