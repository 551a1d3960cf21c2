// Warm start: start → Claude's first byte, claiming a standby session, against a cold start of
// the same project and a bare cold boot (clone, run, IP, ssh) in the same run. Target: warm ≤
// 0.15× the bare boot.
import { performance } from 'node:perf_hooks';
import type { Figure } from '../lib/figure';
import { withSimRuntime } from '../lib/sim-runtime';
import { median } from '../lib/stats';
import { benchWarm } from '../lib/warm-probe';
import { connectSsh } from '../../electron/core/host/ssh';

export const warm: Figure = {
  name: 'warm',
  summary: "start → Claude's first byte from a standby session vs cold and a bare boot",
  budgetMs: 15 * 60_000,
  run: (ctx) =>
    withSimRuntime(async ({ world, tart }) => {
      const bare: number[] = [];
      for (let i = 0; i < ctx.rounds; i++) {
        const name = `clave-benchw${String(i).padStart(2, '0')}`;
        const t0 = performance.now();
        await tart.clone('clave-base', name);
        const run = await tart.run(name, { noGraphics: true });
        const ip = await tart.ip(name, { waitSeconds: 60 });
        const ssh = await connectSsh({ host: ip, password: 'admin', deadlineMs: 60_000 });
        await ssh.exec('true');
        bare.push(performance.now() - t0);
        await ssh.close();
        await tart.stop(name);
        await run.exited;
        await tart.delete(name);
      }
      const w = await benchWarm(world, ctx.rounds);
      const baseline = { label: 'bare cold boot', value: median(bare) };
      return [
        { figure: 'warm: cold start → first byte', unit: 'ms', baseline, ours: w.cold },
        {
          figure: 'warm: warm start → first byte',
          unit: 'ms',
          baseline,
          ours: w.warm,
          target: { on: 'ratio', op: '<=', limit: 0.15 },
          note: `a project-agnostic warm VM (design b) would still spend ${w.claimStepsOfB.toFixed(0)} ms at the claim`,
        },
      ];
    }),
};
