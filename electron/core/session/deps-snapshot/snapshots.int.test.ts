// Dependency snapshots end to end on the simulated VM host: the first session installs and keeps
// what composer made; the next with the same lock files gets it laid over vendor/ without an
// install (and vendor works: `php artisan` runs); a changed lock installs and makes a new one;
// the Mac's copy never holds vendor/; cleanup removes the snapshots Clave made and nothing else.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent, SessionSummary } from '../../../../shared/session';
import { sshConnect, sshExec } from '../../../../e2e/sim/ssh';
import { createHostRuntime, type HostRuntime } from '../../compose';
import { dataPaths } from '../../config/paths';
import { Settings } from '../../config/settings';
import { createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';
import { projectSnapshots } from './snapshots';

let world: SimWorld;
let runtime: HostRuntime;

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({
      vm: { cpus: 1, memoryMb: 1024 },
      timeouts: { ipSeconds: 10, sshSeconds: 10, mountSeconds: 5, commandSeconds: 60 },
      pool: { size: 0 }, // no standby VMs besides the sessions a test starts
    }),
    face: 'cli',
    env: world.env,
  });
  await runtime.reconciled;
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown();
  await world?.cleanup();
});

/** A project whose composer.json and lock name `packages`, committed. */
function lockPackages(dir: string, packages: string[], message: string) {
  const require = Object.fromEntries(packages.map((p) => [p, '^1.0']));
  writeFileSync(
    path.join(dir, 'composer.json'),
    JSON.stringify({ name: 'demo/app', require }, null, 4) + '\n',
  );
  writeFileSync(
    path.join(dir, 'composer.lock'),
    JSON.stringify(
      { packages: packages.map((name) => ({ name, version: 'v1.0.0' })), 'packages-dev': [] },
      null,
      4,
    ) + '\n',
  );
  execFileSync('git', ['commit', '-qam', message], { cwd: dir, env: world.env });
}

async function start(project: string) {
  const events: PipelineEvent[] = [];
  const listener = (e: { sessionId: string; event: PipelineEvent }) => events.push(e.event);
  runtime.host.on('session.progress', listener);
  try {
    const s = await runtime.host.start({ projectDir: project, wait: true });
    expect(s.state).toBe('running');
    const hints = events.flatMap((e) =>
      e.type === 'step-hint' && e.step === 'install-dependencies' ? [e.message] : [],
    );
    // (The simulated host runs no MySQL/Redis here: only this step's warnings matter.)
    const warnings = events.flatMap((e) =>
      e.type === 'step-warning' && e.step === 'install-dependencies' ? [e.problem.what] : [],
    );
    const ms = events.find(
      (e) => e.type === 'step-finished' && e.step === 'install-dependencies',
    ) as { ms: number } | undefined;
    return { s, hints, warnings, installMs: ms?.ms, events };
  } finally {
    runtime.host.off('session.progress', listener);
  }
}

async function inVm(s: SessionSummary, cmd: string) {
  const c = await sshConnect(s.vmIp!);
  try {
    return await sshExec(c, `cd /srv/project && ${cmd}`);
  } finally {
    c.end();
  }
}

/** The copy on the Mac: vendor/ is at most the empty folder the VM mounts over. */
function expectNoVendorOnMac(s: SessionSummary) {
  const vendor = path.join(s.worktreeDir!, 'vendor');
  expect(existsSync(vendor) ? readdirSync(vendor) : []).toEqual([]);
}

describe('dependency snapshots', () => {
  it('installs once, then serves the same lock from the snapshot; a changed lock installs again', async () => {
    const project = world.project('deps');
    lockPackages(project, ['acme/alpha', 'acme/beta'], 'Two packages');
    const snapshots = projectSnapshots(world.claveHome, project);

    const first = await start(project);
    expect(first.warnings).toEqual([]);
    expect(first.hints).toContain('composer install');
    expect(first.hints).toContain('keeping the installed dependencies for the next session');
    const keys = readdirSync(snapshots.share);
    expect(keys).toHaveLength(1);
    const snap = path.join(snapshots.share, keys[0]!);
    expect(existsSync(path.join(snap, 'snapshot.json'))).toBe(true);
    expect(existsSync(path.join(snap, 'vendor/acme/beta/composer.json'))).toBe(true);
    expect(existsSync(path.join(snap, 'vendor/autoload.php'))).toBe(true);
    expectNoVendorOnMac(first.s);
    // Independent steps ran at once: each started before the other finished.
    const at = (type: string, step: string) =>
      first.events.findIndex((e) => e.type === type && 'step' in e && e.step === step);
    const overlapped = (a: string, b: string) =>
      at('step-started', a) < at('step-finished', b) &&
      at('step-started', b) < at('step-finished', a);
    expect(overlapped('clone-repo', 'clone-vm')).toBe(true);
    expect(at('step-started', 'install-dependencies')).toBeLessThan(
      at('step-finished', 'configure-herd-proxy'),
    );
    expect(at('step-started', 'bootstrap-laravel')).toBeGreaterThan(
      Math.max(
        at('step-finished', 'configure-herd-proxy'),
        at('step-finished', 'install-dependencies'),
      ),
    );

    // The same lock: no composer at all, and vendor/ works.
    const second = await start(project);
    expect(second.warnings).toEqual([]);
    expect(second.hints).not.toContain('composer install');
    expect(second.hints.join('\n')).toMatch(/vendor\/ from the project's snapshot/);
    expect((await inVm(second.s, 'php artisan --version')).code).toBe(0);
    expect((await inVm(second.s, 'cat vendor/acme/alpha/composer.json')).stdout).toContain(
      'acme/alpha',
    );
    // Writable in the VM, but the writes reach neither the Mac's copy nor the snapshot.
    const write = await inVm(
      second.s,
      'mkdir -p vendor/acme/local && echo x > vendor/acme/local/f',
    );
    expect(write.code, write.stderr).toBe(0);
    expectNoVendorOnMac(second.s);
    expect(existsSync(path.join(snap, 'vendor/acme/local'))).toBe(false);
    console.log(
      `install-dependencies: install + snapshot ${first.installMs} ms, from the snapshot ${second.installMs} ms`,
    );

    // A changed lock file installs as before and makes a second snapshot.
    lockPackages(project, ['acme/alpha', 'acme/beta', 'acme/gamma'], 'A third package');
    const third = await start(project);
    expect(third.hints).toContain('composer install');
    expect((await inVm(third.s, 'cat vendor/acme/gamma/composer.json')).code).toBe(0);
    expect(readdirSync(snapshots.share).sort()).toHaveLength(2);
    const fresh = readdirSync(snapshots.share).find((k) => k !== keys[0])!;
    expect(existsSync(path.join(snapshots.share, fresh, 'vendor/acme/gamma'))).toBe(true);
    expectNoVendorOnMac(third.s);

    // A running session's snapshot stays through cleanup; once none runs, cleanup removes
    // Clave's snapshots and leaves a folder Clave did not make.
    const foreign = path.join(snapshots.share, 'not-clave');
    mkdirSync(path.join(foreign, 'vendor'), { recursive: true });
    const whileRunning = await runtime.host.cleanup(false);
    expect(whileRunning.items.filter((i) => i.kind === 'snapshot')).toEqual([]);
    expect(readdirSync(snapshots.share)).toHaveLength(3);
    for (const s of [first.s, second.s, third.s]) await runtime.host.stop(s.id, 'discard');
    const report = await runtime.host.cleanup(false);
    const removed = report.items.filter((i) => i.kind === 'snapshot');
    expect(removed.map((i) => [path.basename(i.name), i.action]).sort()).toEqual(
      [
        [keys[0], 'remove'],
        [fresh, 'remove'],
      ].sort(),
    );
    expect(report.problems).toEqual([]);
    expect(readdirSync(snapshots.share)).toEqual(['not-clave']);
  }, 240_000);

  it('4 sessions of one project started at once all run, and make one snapshot between them', async () => {
    const project = world.project('deps-four');
    lockPackages(project, ['acme/alpha'], 'One package');
    const snapshots = projectSnapshots(world.claveHome, project);
    const started = await Promise.all([0, 1, 2, 3].map(() => start(project)));
    for (const { s, warnings } of started) {
      expect(warnings).toEqual([]);
      expect((await inVm(s, 'php artisan --version')).code).toBe(0);
      expectNoVendorOnMac(s);
    }
    const keys = readdirSync(snapshots.share);
    expect(keys).toHaveLength(1);
    expect(existsSync(path.join(snapshots.share, keys[0]!, 'vendor/acme/alpha'))).toBe(true);
    expect(readdirSync(path.join(snapshots.root, 'partial'))).toEqual([]);
    // Every session still runs: their snapshot is not cleanup's business yet.
    const dry = await runtime.host.cleanup(true);
    expect(dry.items.filter((i) => i.kind === 'snapshot')).toEqual([]);
    await Promise.all(started.map(({ s }) => runtime.host.stop(s.id, 'discard')));
    const report = await runtime.host.cleanup(false);
    expect(report.items.filter((i) => i.kind === 'snapshot').map((i) => i.action)).toEqual([
      'remove',
    ]);
    expect(readdirSync(snapshots.share)).toEqual([]);
  }, 240_000);
});
