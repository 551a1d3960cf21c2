// The host's memory with 8 idle sessions: the web harness (the session host, as `npm run demo`
// runs it) in a fresh process, 8 sessions started on the simulated host and left alone, its RSS
// sampled for a while. The baseline is the same process with no session: what the sessions add.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import type { Figure } from '../lib/figure';
import { startHarnessProcess } from '../lib/harness-process';
import { REPO_DIR } from '../lib/repo';
import { rssMb, sampleRss } from '../lib/rss';
import { median } from '../lib/stats';

const SESSIONS = 8;
const SETTLE_MS = 5_000;
const SAMPLE_MS = 5_000;

/** RSS of Node with tsx's loader and nothing else: what running from source costs by itself. */
function bareTsxMb(): number {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', 'console.log(process.memoryUsage().rss)'],
    { cwd: REPO_DIR, encoding: 'utf8' },
  );
  return Number(r.stdout.trim()) / 1024 / 1024;
}

export const idleRss: Figure = {
  name: 'idle-rss',
  summary: `host RSS with ${SESSIONS} idle sessions`,
  budgetMs: 10 * 60_000,
  async run(ctx) {
    const harness = await startHarnessProcess({ bootDelayMs: 150, log: ctx.log });
    try {
      await sleep(SETTLE_MS);
      const empty = sampleRss(harness.pid);
      await sleep(SAMPLE_MS);
      const none = median(empty.stop().samples);
      // Two at a time: the loaded bench machine, not Clave, limits how many boot at once.
      for (let i = 0; i < SESSIONS; i += 2) {
        await Promise.all(
          [i, i + 1].map(() =>
            harness.api.call('sessions.start', { projectDir: harness.demoProject, wait: true }),
          ),
        );
      }
      const running = (await harness.api.call('sessions.list', {})).filter(
        (s) => s.state === 'running',
      );
      if (running.length !== SESSIONS)
        throw new Error(`${running.length} of ${SESSIONS} sessions are running`);
      await sleep(SETTLE_MS);
      const idle = sampleRss(harness.pid);
      await sleep(SAMPLE_MS);
      const { peak, samples } = idle.stop();
      const heap = rssMb(harness.pid);
      ctx.log(
        `host RSS: ${none.toFixed(0)} MB with no session, ${median(samples).toFixed(0)} MB with ${SESSIONS} (peak ${peak.toFixed(0)}, now ${heap.toFixed(0)})`,
      );
      return [
        {
          figure: `host RSS, ${SESSIONS} idle sessions`,
          unit: 'MB',
          baseline: { label: 'no session', value: none },
          ours: median(samples),
          target: { on: 'value', op: '<=', limit: 150 },
          note: `peak ${peak.toFixed(0)} MB; Node + tsx's loader alone (running from source) ${bareTsxMb().toFixed(0)} MB`,
          samples: { none: [none], idle: samples },
        },
      ];
    } finally {
      await harness.stop();
    }
  },
};
