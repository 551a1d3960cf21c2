// The host's memory with 8 idle sessions: the session host as it ships (bundled, plain Node: see
// bench/lib/host-process.ts) in a fresh process, 8 sessions started on the simulated host and
// left alone, its RSS sampled for a while. The baseline is the same process with no session: what
// the sessions add.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from '../lib/figure';
import { startBundledHost } from '../lib/host-process';
import { REPO_DIR } from '../lib/repo';
import { sampleRss } from '../lib/rss';
import { median } from '../lib/stats';

const SESSIONS = 8;
/** Started this many at a time (a start does not wait on another: see the start figure). */
const BATCH = 4;
const SETTLE_MS = 5_000;
const SAMPLE_MS = 5_000;

/** RSS of Node doing nothing, with or without tsx's loader (`clave serve` from bin/clave runs from source). */
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
    const host = await startBundledHost({
      log: ctx.log,
      nodeArgs: ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reports}`],
    });
    try {
      const { api } = host.conn;
      await sleep(SETTLE_MS);
      const empty = sampleRss(host.pid);
      await sleep(SAMPLE_MS);
      const none = median(empty.stop().samples);
      const project = host.project('idle-rss');
      for (let i = 0; i < SESSIONS; i += BATCH) {
        await Promise.all(
          Array.from({ length: Math.min(BATCH, SESSIONS - i) }, () =>
            api.call('sessions.start', { projectDir: project, wait: true }),
          ),
        );
      }
      const running = (await api.call('sessions.list', {})).filter((s) => s.state === 'running');
      if (running.length !== SESSIONS)
        throw new Error(`${running.length} of ${SESSIONS} sessions are running`);
      await sleep(SETTLE_MS);
      const idle = sampleRss(host.pid);
      await sleep(SAMPLE_MS);
      const { peak, samples } = idle.stop();
      const heap = await jsHeap(host.pid, reports);
      const why = `JS heap ${heap.used.toFixed(0)} MB live of ${heap.total.toFixed(0)} MB committed; Node alone ${bareNodeMb(false).toFixed(0)} MB (with tsx's loader ${bareNodeMb(true).toFixed(0)} MB)`;
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
          note: `the bundled host (plain Node, as the app runs it); ${((median(samples) - none) / SESSIONS).toFixed(1)} MB per session; peak ${peak.toFixed(0)} MB; ${why}`,
          samples: { none: [none], idle: samples },
        },
      ];
    } finally {
      await host.stop();
      rmSync(reports, { recursive: true, force: true });
    }
  },
};
