// The host's memory with 8 idle sessions: the web harness (the session host, as `npm run demo`
// runs it) in a fresh process, 8 sessions started on the simulated host and left alone, its RSS
// sampled for a while. The baseline is the same process with no session: what the sessions add.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from '../lib/figure';
import { startHarnessProcess } from '../lib/harness-process';
import { REPO_DIR } from '../lib/repo';
import { sampleRss } from '../lib/rss';
import { median } from '../lib/stats';

const SESSIONS = 8;
const SETTLE_MS = 5_000;
const SAMPLE_MS = 5_000;

/** RSS of Node doing nothing, with or without tsx's loader (the harness runs from source). */
function bareNodeMb(tsx: boolean): number {
  const r = spawnSync(
    process.execPath,
    [...(tsx ? ['--import', 'tsx'] : []), '-e', 'console.log(process.memoryUsage().rss)'],
    { cwd: REPO_DIR, encoding: 'utf8' },
  );
  return Number(r.stdout.trim()) / 1024 / 1024;
}

/** The JS heap of `pid` (used / committed, MB), from a diagnostic report it writes on SIGUSR2. */
async function jsHeap(pid: number, dir: string): Promise<{ used: number; total: number }> {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (file) {
      await sleep(200); // written in one go, but let it finish
      const heap = (
        JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
          javascriptHeap: { totalMemory: number; usedMemory: number };
        }
      ).javascriptHeap;
      rmSync(path.join(dir, file));
      return { used: heap.usedMemory / 1024 / 1024, total: heap.totalMemory / 1024 / 1024 };
    }
    await sleep(100);
  }
  throw new Error('the harness wrote no diagnostic report');
}

export const idleRss: Figure = {
  name: 'idle-rss',
  summary: `host RSS with ${SESSIONS} idle sessions`,
  budgetMs: 10 * 60_000,
  async run(ctx) {
    const reports = mkdtempSync(path.join(os.tmpdir(), 'clave-bench-report-'));
    const harness = await startHarnessProcess({
      bootDelayMs: 150,
      log: ctx.log,
      nodeArgs: ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reports}`],
    });
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
      const heap = await jsHeap(harness.pid, reports);
      const why = `JS heap ${heap.used.toFixed(0)} MB live of ${heap.total.toFixed(0)} MB committed; Node alone ${bareNodeMb(false).toFixed(0)} MB, with tsx's loader ${bareNodeMb(true).toFixed(0)} MB`;
      ctx.log(
        `host RSS: ${none.toFixed(0)} MB with no session, ${median(samples).toFixed(0)} MB with ${SESSIONS}; ${why}`,
      );
      return [
        {
          figure: `host RSS, ${SESSIONS} idle sessions`,
          unit: 'MB',
          baseline: { label: 'no session', value: none },
          ours: median(samples),
          target: { on: 'value', op: '<=', limit: 150 },
          note: `peak ${peak.toFixed(0)} MB; ${why}`,
          samples: { none: [none], idle: samples },
        },
      ];
    } finally {
      await harness.stop();
      rmSync(reports, { recursive: true, force: true });
    }
  },
};
