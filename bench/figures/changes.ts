// The changes view: a write in a running session's copy → changes.updated at a watching face (vs
// a bare fs.watch), and changes.get / changes.diff on a 50k-file repository with a 5 MB diff (vs
// git by hand).
import { benchLive, benchSize, type Row as ProbeRow } from '../lib/changes-probe';
import type { Figure, Row } from '../lib/figure';
import { withSimRuntime } from '../lib/sim-runtime';

const toRow = ([what, baseline, ours]: ProbeRow): Row => ({
  figure: `changes: ${what}`,
  unit: 'ms',
  baseline: { label: 'by hand', value: baseline },
  ours,
});

export const changes: Figure = {
  name: 'changes',
  summary: 'changes view: live update latency; changes.get/diff on 50k files and a 5 MB diff',
  budgetMs: 10 * 60_000,
  run: (ctx) =>
    withSimRuntime(async ({ world, runtime }) => {
      const s = await runtime.host.start({ projectDir: world.project('bench-chg'), wait: true });
      try {
        const live = await benchLive(s.worktreeDir!, ctx.rounds, (client, on) =>
          runtime.dispatch({ method: 'changes.watch', params: { id: s.id, on } }, client),
        );
        return [toRow(live), ...(await benchSize(ctx.rounds)).map(toRow)];
      } finally {
        await runtime.host.stop(s.id, 'discard', true);
      }
    }),
};
