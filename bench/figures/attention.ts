// The agent's status from its hooks: a hook fired in the VM → the state at a face (p99), what one
// hook call costs Claude's turn, and the host's memory while it follows a 100k-line spool.
import { benchAttention } from '../lib/attention-probe';
import type { Figure } from '../lib/figure';
import { withSimRuntime } from '../lib/sim-runtime';

export const attention: Figure = {
  name: 'attention',
  summary: "hook in the VM → agent state at a face; one hook's cost; a 100k-line spool",
  budgetMs: 10 * 60_000,
  run: () =>
    withSimRuntime(async ({ world, runtime }) => {
      const s = await runtime.host.start({ projectDir: world.project('bench-att'), wait: true });
      try {
        return await benchAttention(runtime, s);
      } finally {
        await runtime.host.stop(s.id, 'discard', true);
      }
    }),
};
