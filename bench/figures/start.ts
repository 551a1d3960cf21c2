// Start to prompt: from the request until the session is ready to work (Claude's first screen in
// its terminal, the site answering, dependencies installed), against a bare script doing the
// least a VM session needs: clone the base, run it with the project shared, wait for its IP, ssh
// in, mount the project and `composer install` from a warm cache. Measured cold (one at a time)
// and with 4 started at once (pool off, the same project; against one alone in the same round),
// on the simulated host's timing profile (CLAVE_SIM_PROFILE). The profile's waits are sleeps, so
// 4 at once shows what Clave serialises (a lock, a shared resource) plus the CPU the simulator's
// tools and guests take on this machine, which 4 bare scripts at once measure on their own.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostRuntime } from '../../electron/core/compose';
import { command } from '../../electron/core/host/shell-quote';
import { connectSsh } from '../../electron/core/host/ssh';
import type { Tart } from '../../electron/core/host/tart';
import { PROJECT_DIR, PROJECT_MOUNT_TAG } from '../../electron/core/vm/guest';
import type { SimWorld } from '../../electron/core/session/testing/sim-env';
import type { PipelineEvent } from '../../shared/session';
import type { Figure, Row } from '../lib/figure';
import { withSimRuntime } from '../lib/sim-runtime';
import { whenReady } from '../lib/start-probe';
import { median, spread } from '../lib/stats';

/** A typical Laravel app's lock file holds about this many packages (the profile's basis). */
const PACKAGES = 100;
const AT_ONCE = 4;
const CACHE_TAG = 'composer-cache';
const CACHE_DIR = '/var/tmp/composer-cache';

/**
 * One way of starting a session, timed from the request to ready. `prepare` runs untimed
 * before each start (and `cleanup` after): the `warm` case (a standby VM claimed at start, issue
 * 15's pool) goes here as { name: 'warm', prepare: fill the pool and wait until it is ready,
 * target: ≤ 0.15× the bare cold boot }.
 */
export interface StartCase {
  name: string;
  prepare?(runtime: HostRuntime, project: string): Promise<void>;
  /** The row's target, given the bare baselines of this run. */
  target: Row['target'];
  /** Which bare baseline the ratio is against. */
  against: 'bare start' | 'bare boot';
}

export const START_CASES: StartCase[] = [
  { name: 'cold', against: 'bare start', target: { on: 'ratio', op: '<=', limit: 1.15 } },
];

/** A Laravel-shaped project requiring PACKAGES packages, with its lock file committed. */
function laravelProject(world: SimWorld): string {
  const dir = world.project('bench-start');
  const names = Array.from({ length: PACKAGES }, (_, i) => `vendor${i}/package${i}`);
  writeFileSync(
    path.join(dir, 'composer.json'),
    JSON.stringify(
      { name: 'demo/app', require: Object.fromEntries(names.map((n) => [n, '^1.0'])) },
      null,
      4,
    ) + '\n',
  );
  writeFileSync(
    path.join(dir, 'composer.lock'),
    JSON.stringify(
      { packages: names.map((name) => ({ name, version: 'v1.0.0' })), 'packages-dev': [] },
      null,
      4,
    ) + '\n',
  );
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: world.env });
  git('add', '-A');
  git('commit', '-qm', `${PACKAGES} packages`);
  return dir;
}

/** The bare script: ms to ssh (a bare cold boot) and to dependencies installed (a bare start). */
async function bareStart(tart: Tart, project: string, cache: string, n: number) {
  const name = `clave-bare${String(n).padStart(3, '0')}`;
  const copy = mkdtempSync(path.join(os.tmpdir(), 'clave-bench-copy-'));
  const t0 = performance.now();
  try {
    execFileSync('git', ['clone', '-q', '--local', project, copy]);
    await tart.clone('clave-base', name);
    const run = await tart.run(name, {
      dirs: [{ path: copy }, { path: cache, tag: CACHE_TAG }],
      noGraphics: true,
    });
    try {
      const ip = await tart.ip(name, { waitSeconds: 120 });
      const ssh = await connectSsh({ host: ip, password: 'admin', deadlineMs: 120_000 });
      await ssh.exec('true');
      const boot = performance.now() - t0;
      const mount = (tag: string, dir: string) =>
        `sudo -n mkdir -p ${dir} && sudo -n mount -t virtiofs ${tag} ${dir}`;
      const r = await ssh.exec(
        [
          mount(PROJECT_MOUNT_TAG, PROJECT_DIR),
          mount(CACHE_TAG, CACHE_DIR),
          `cd ${PROJECT_DIR}`,
          command([
            'env',
            `COMPOSER_CACHE_DIR=${CACHE_DIR}`,
            'composer',
            'install',
            '--no-interaction',
            '--prefer-dist',
          ]),
        ].join(' && '),
        { timeoutMs: 300_000 },
      );
      if (r.code !== 0) throw new Error(`bare composer install failed: ${r.stderr.slice(-500)}`);
      const start = performance.now() - t0;
      await ssh.close();
      return { boot, start };
    } finally {
      await tart.stop(name).catch(() => {});
      await run.exited.catch(() => {});
      await tart.delete(name).catch(() => {});
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** ms from the request to ready for one session, then it is discarded. */
async function claveStart(runtime: HostRuntime, project: string): Promise<number> {
  const t0 = performance.now();
  const s = await runtime.host.start({ projectDir: project, wait: true });
  try {
    const ready = await whenReady(runtime, s);
    return Math.max(ready.claude, ready.site, ready.deps) - t0;
  } finally {
    await runtime.host.stop(s.id, 'discard');
  }
}

/** Every step's durations, per kind of start, from the pipeline's own events. */
function recordSteps(runtime: HostRuntime) {
  const byCase = new Map<string, Map<string, number[]>>();
  let current: string | undefined;
  runtime.clients.add({
    id: 'bench-progress',
    send: (event, payload) => {
      const e = event === 'session.progress' ? (payload as { event: PipelineEvent }).event : null;
      if (!current || e?.type !== 'step-finished') return;
      const steps = byCase.get(current) ?? new Map<string, number[]>();
      byCase.set(current, steps);
      steps.set(e.step, [...(steps.get(e.step) ?? []), e.ms]);
    },
    onClose: () => {},
  });
  return {
    /** Attributes the steps finished from now on to `name` (undefined: to nothing). */
    as(name: string | undefined) {
      current = name;
    },
    /** `step median-ms, …` for `name`. */
    note(name: string): string {
      return [...(byCase.get(name) ?? new Map<string, number[]>()).entries()]
        .map(([step, ms]) => `${step} ${median(ms).toFixed(0)}`)
        .join(', ');
    },
  };
}

const TOGETHER = `${AT_ONCE} at once`;

export const start: Figure = {
  name: 'start',
  summary: `start to prompt (Claude up, site answering, ${PACKAGES} packages installed): cold, ${AT_ONCE} at once, vs a bare script`,
  budgetMs: 30 * 60_000,
  run: (ctx) =>
    withSimRuntime(async ({ world, runtime, tart }) => {
      const project = laravelProject(world);
      const steps = recordSteps(runtime);
      const cache = path.join(world.sim.root, 'composer-cache');
      mkdirSync(cache, { recursive: true });
      // Both sides start from what a second start on a Mac finds: the bare script a warm Composer
      // cache, Clave the project's dependency snapshot (made by the first session on this lock).
      ctx.log("warming the bare script's composer cache and Clave's dependency snapshot (untimed)");
      await bareStart(tart, project, cache, 0);
      await claveStart(runtime, project);
      const bare = { boot: [] as number[], start: [] as number[] };
      const ours: Record<string, number[]> = Object.fromEntries(
        START_CASES.map((c) => [c.name, []]),
      );
      // Each round measures one alone and then AT_ONCE together, so both see the same load; and
      // AT_ONCE bare scripts together, the machine's own cost of starting VMs at once (on 2
      // cores the simulator's tools and guests compete for CPU, unlike a Mac's native Tart).
      const together: number[] = [];
      const slowest: number[] = [];
      const bareSlowest: number[] = [];
      const bareTogether: number[] = [];
      for (let i = 0; i < ctx.rounds; i++) {
        const b = await bareStart(tart, project, cache, i + 1);
        bare.boot.push(b.boot);
        bare.start.push(b.start);
        for (const c of START_CASES) {
          await c.prepare?.(runtime, project);
          steps.as(c.name);
          ours[c.name]!.push(await claveStart(runtime, project));
          steps.as(undefined);
        }
        steps.as(TOGETHER);
        const times = await Promise.all(
          Array.from({ length: AT_ONCE }, () => claveStart(runtime, project)),
        );
        steps.as(undefined);
        together.push(...times);
        slowest.push(Math.max(...times));
        const bares = await Promise.all(
          Array.from({ length: AT_ONCE }, (_, k) =>
            bareStart(tart, project, cache, 100 + i * AT_ONCE + k),
          ),
        );
        bareSlowest.push(Math.max(...bares.map((x) => x.start)));
        bareTogether.push(...bares.map((x) => x.start));
        ctx.log(
          `round ${i + 1}: bare boot ${b.boot.toFixed(0)} ms, bare start ${b.start.toFixed(0)} ms, ${START_CASES.map((c) => `${c.name} ${ours[c.name]!.at(-1)!.toFixed(0)} ms`).join(', ')}, ${TOGETHER} ${times.map((t) => t.toFixed(0)).join(' ')} ms, bare ${TOGETHER} ${bares.map((x) => `${x.start.toFixed(0)} (ssh at ${x.boot.toFixed(0)})`).join(' ')} ms`,
        );
      }
      const baseline = { 'bare start': bare.start, 'bare boot': bare.boot };
      ctx.log(`cold start, median ms per step: ${steps.note('cold')}`);
      ctx.log(`${TOGETHER}, median ms per step: ${steps.note(TOGETHER)}`);
      const s = (x: number) => x / 1000;
      const rows: Row[] = START_CASES.map((c) => ({
        figure: `start to prompt, ${c.name}`,
        unit: 's',
        baseline: { label: c.against, value: s(median(baseline[c.against])) },
        ours: s(median(ours[c.name]!)),
        ...(c.target ? { target: c.target } : {}),
        note: `ms ${spread(ours[c.name]!)}; bare start ${spread(bare.start)}, bare boot (clone+run+IP+ssh) ${spread(bare.boot)}; steps (median ms): ${steps.note(c.name)}`,
        samples: { ours: ours[c.name]!, ...bare },
      }));
      rows.push(
        {
          figure: `start to prompt, ${TOGETHER} (the slowest)`,
          unit: 's',
          baseline: { label: 'one alone', value: s(median(ours.cold!)) },
          ours: s(median(slowest)),
          target: { on: 'ratio', op: '<=', limit: 1.3 },
          note: `every start ${spread(together)} ms (median ${median(together).toFixed(0)}), the same project, pool off; steps (median ms): ${steps.note(TOGETHER)}`,
          samples: { slowest, together, alone: ours.cold! },
        },
        {
          figure: `bare script, ${TOGETHER} (the slowest; the machine's own)`,
          unit: 's',
          baseline: { label: 'bare alone', value: s(median(bare.start)) },
          ours: s(median(bareSlowest)),
          note: `what starting ${AT_ONCE} VMs at once costs this machine without Clave: read the row above against it`,
          samples: { slowest: bareSlowest, alone: bare.start, together: bareTogether },
        },
      );
      return rows;
    }),
};
