// Warm start on the simulated host: a standby session per recently started project, claimed by
// the next start of that project. Each test keeps to two or three VMs at a time (2-core machine).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent, SessionSummary } from '../../../../shared/session';
import { sshConnect, sshExec } from '../../../../e2e/sim/ssh';
import { createHostRuntime, type HostRuntime } from '../../compose';
import { dataPaths } from '../../config/paths';
import { Settings } from '../../config/settings';
import { command } from '../../host/shell-quote';
import { writeBaseRecord } from '../../provision/record';
import { createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';

let world: SimWorld;
let runtime: HostRuntime | null = null;

const fast = {
  vm: { cpus: 1, memoryMb: 1024 },
  timeouts: { ipSeconds: 10, sshSeconds: 10, mountSeconds: 5, commandSeconds: 30 },
};

/** A host, and every event it sends the faces (a standby's must not be among them). */
async function host(settings: object = {}) {
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({ ...fast, ...settings }),
    face: 'cli',
    env: world.env,
  });
  await runtime.reconciled;
  const updated: SessionSummary[] = [];
  const progress: { sessionId: string; event: PipelineEvent }[] = [];
  runtime.host.on('session.updated', (s) => updated.push(s));
  runtime.host.on('session.progress', (p) => progress.push(p));
  return { h: runtime, updated, progress };
}

async function vmNames(): Promise<string[]> {
  const vms = JSON.parse(await world.tart('list', '--source', 'local', '--format', 'json')) as {
    Name: string;
  }[];
  return vms.map((v) => v.Name).sort();
}

/** A shell command in a session's VM, as its user. */
async function inVm(s: SessionSummary, cmd: string): Promise<string> {
  const c = await sshConnect(s.vmIp!);
  try {
    const r = await sshExec(c, cmd);
    if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  } finally {
    c.end();
  }
}

async function paneShows(s: SessionSummary, text: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let screen = '';
  while (Date.now() < deadline) {
    screen = await inVm(s, command(['tmux', 'capture-pane', '-p', '-t', 'claude'])).catch(() => '');
    if (screen.includes(text)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the agent's screen never showed "${text}":\n${screen}`);
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: world.env, encoding: 'utf8' }).trim();

function commit(project: string, file: string, text: string, message: string): string {
  writeFileSync(path.join(project, file), text);
  git(project, 'add', '-A');
  git(project, 'commit', '-qm', message);
  return git(project, 'rev-parse', 'HEAD');
}

/** The records on disk, standbys included (the host's list hides them). */
function records(): { id: string; standby: string | null; project_dir: string }[] {
  const db = new Database(dataPaths(world.claveHome).database, { readonly: true });
  try {
    return db.prepare('SELECT id, standby, project_dir FROM sessions').all() as {
      id: string;
      standby: string | null;
      project_dir: string;
    }[];
  } finally {
    db.close();
  }
}

const copies = (project: string) => {
  const wt = path.join(project, '.clave', 'wt');
  return existsSync(wt) ? readdirSync(wt).sort() : [];
};

/** What quit and cleanup must leave: the base VM only, no proxy, copy or record of ours. */
async function expectNothingLeft(...projects: string[]) {
  expect(await vmNames()).toEqual(['clave-base']);
  expect((await world.herd('proxies')).match(/-[a-z0-9]{8}\b/g) ?? []).toEqual([]);
  for (const p of projects) {
    expect(copies(p)).toEqual([]);
    expect(git(p, 'branch', '--list', 'clave/*')).toBe('');
  }
  expect(records()).toEqual([]);
  const ledger = new Database(dataPaths(world.claveHome).database, { readonly: true });
  try {
    // Dependency snapshots are the projects' caches: they outlive sessions by design.
    expect(ledger.prepare("SELECT kind, name FROM ledger WHERE kind != 'snapshot'").all()).toEqual(
      [],
    );
  } finally {
    ledger.close();
  }
}

/** Starts a cold session, ends it, and waits for the standby the start asked for. */
async function standbyFor(h: HostRuntime, project: string) {
  const cold = await h.host.start({ projectDir: project, wait: true });
  expect(cold.warm).toBe(false);
  await h.host.stop(cold.id, 'discard');
  await h.host.pool.settled();
  const status = h.host.pool.status();
  expect(status).toMatchObject({ ready: 1, booting: 0 });
  const standby = records().find((r) => r.standby !== null && r.project_dir === project);
  expect(standby).toBeDefined();
  return standby!.id;
}

beforeAll(async () => {
  world = await createSimWorld({ bootDelayMs: 300, sshdDelayMs: 100 });
  await provisionBase(world);
});

afterEach(async () => {
  world.sim.clearFaults();
  await runtime?.shutdown();
  runtime = null;
});

afterAll(async () => {
  await world?.cleanup();
});

describe('warm start', () => {
  it('a start claims the hidden standby: a running session with Claude at its prompt, no VM made', async () => {
    const { h, updated, progress } = await host();
    const project = world.project('warm-claim');
    const standbyId = await standbyFor(h, project);
    // Hidden: in no list, and no face heard of it.
    expect(h.host.list().map((s) => s.id)).not.toContain(standbyId);
    expect(updated.map((s) => s.id)).not.toContain(standbyId);
    expect(progress.map((p) => p.sessionId)).not.toContain(standbyId);

    const before = await vmNames();
    const s = await h.host.start({ projectDir: path.join(project, 'public'), wait: true });
    // The claim is the standby: same id, VM, copy; no pipeline ran for it, no VM was cloned.
    expect(s).toMatchObject({ id: standbyId, warm: true, state: 'running' });
    expect(before).toContain(s.vmName);
    expect(progress.filter((p) => p.sessionId === s.id)).toEqual([]);
    expect(h.host.list().map((x) => x.id)).toEqual([s.id]);
    expect(updated.at(-1)).toMatchObject({ id: s.id, warm: true, state: 'running' });
    await paneShows(s, 'Welcome to Claude Code');
    expect(await inVm(s, 'cat /srv/project/public/index.html')).toContain('Hello from');
    const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text());
    expect(page).toContain('Hello from the session VM');

    // Refilled in the background: the project has its next standby.
    await h.host.pool.settled();
    expect(h.host.pool.status()).toMatchObject({ size: 1, ready: 1, booting: 0, vms: 2 });
    expect(await h.host.stop(s.id, 'discard')).toMatchObject({ outcome: 'discarded' });
  });

  it('brings the standby to the project HEAD at the claim; installs again only for a new lock file', async () => {
    const { h } = await host();
    const project = world.project('warm-head');
    await standbyFor(h, project);
    const needs = (pkg: string) => `{"name":"demo/app","require":{"${pkg}":"^1.0"}}\n`;
    const vendored = (s: SessionSummary, pkg: string) =>
      inVm(s, command(['test', '-e', `/srv/project/vendor/${pkg}/composer.json`])).then(
        () => true,
        () => false,
      );
    // composer.json changes, its lock file does not: the claim installs nothing.
    commit(project, 'moved.txt', 'after the standby\n', 'Move on');
    const head = commit(project, 'composer.json', needs('acme/first'), 'Need acme/first');
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(s.warm).toBe(true);
    expect(git(s.worktreeDir!, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(s.worktreeDir!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(s.branch);
    expect(await inVm(s, 'cat /srv/project/moved.txt')).toBe('after the standby\n');
    expect((await h.host.changes.get(s.id)).base).toMatchObject({ commit: head, branch: 'main' });
    expect(await vendored(s, 'acme/first')).toBe(false);
    await h.host.stop(s.id, 'discard');

    // The next standby (made after that claim); then composer.lock changes under it.
    await h.host.pool.settled();
    writeFileSync(path.join(project, 'composer.json'), needs('acme/second'));
    commit(project, 'composer.lock', '{"packages":[{"name":"acme/second"}]}\n', 'Lock');
    const again = await h.host.start({ projectDir: project, wait: true });
    expect(again.warm).toBe(true);
    expect(await vendored(again, 'acme/second')).toBe(true);
    await h.host.stop(again.id, 'discard');
  });

  it('never serves a standby made from another base: discarded, and the start is cold', async () => {
    const { h } = await host();
    const project = world.project('warm-stale');
    const standbyId = await standbyFor(h, project);
    const standbyVm = `clave-${standbyId}`;
    expect(await vmNames()).toContain(standbyVm);
    // What `clave provision --force` leaves when it rebuilt the base.
    await writeBaseRecord(world.claveHome, 'clave-base', {
      image: 'ghcr.io/cirruslabs/ubuntu:latest',
      specHash: 'rebuilt',
      provisionedAt: new Date().toISOString(),
    });
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(s.warm).toBe(false);
    expect(s.id).not.toBe(standbyId);
    expect(await vmNames()).not.toContain(standbyVm);
    expect(copies(project)).not.toContain(`s-${standbyId}`);
    await h.host.stop(s.id, 'discard');
  });

  it('never serves a standby whose agent holds a credential the person since changed', async () => {
    const { h } = await host();
    const project = world.project('warm-credential');
    const standbyId = await standbyFor(h, project);
    const key = world.env.ANTHROPIC_API_KEY;
    world.env.ANTHROPIC_API_KEY = 'sk-ant-api03-another-key-for-the-simulated-host-9876543210';
    try {
      const s = await h.host.start({ projectDir: project, wait: true });
      expect(s.warm).toBe(false);
      expect(await vmNames()).not.toContain(`clave-${standbyId}`);
      await h.host.stop(s.id, 'discard');
    } finally {
      world.env.ANTHROPIC_API_KEY = key;
    }
  });

  it('refuses a standby whose copy is not pristine and starts cold, keeping what was in it', async () => {
    const { h } = await host();
    const project = world.project('warm-dirty');
    const standbyId = await standbyFor(h, project);
    writeFileSync(path.join(project, '.clave', 'wt', `s-${standbyId}`, 'stray.txt'), 'not ours\n');
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(s.warm).toBe(false);
    // Nothing lost: the standby's VM went, its copy stays as a kept session the person sees.
    expect(h.host.get(standbyId)).toMatchObject({ state: 'kept', hasUnmergedWork: true });
    await h.host.stop(s.id, 'discard');
    await h.host.stop(standbyId, 'discard', true);
  });

  it('a session start evicts a standby when the VM budget (or the machine) has no room', async () => {
    // One VM at a time: both Clave's budget and the VM host's own limit.
    const { h } = await host({ pool: { size: 1, maxVms: 1 } });
    world.sim.setFaults('vm-limit=1');
    const a = world.project('warm-budget-a');
    const b = world.project('warm-budget-b');
    const standbyId = await standbyFor(h, a);
    const s = await h.host.start({ projectDir: b, wait: true });
    expect(s).toMatchObject({ state: 'running', warm: false });
    expect(await vmNames()).toEqual(['clave-base', s.vmName].sort());
    expect(records().map((r) => r.id)).not.toContain(standbyId);
    // While the session runs the budget is full: no standby is made.
    await h.host.pool.settled();
    expect(h.host.pool.status()).toMatchObject({ ready: 0, booting: 0, vms: 1 });
    await h.host.stop(s.id, 'discard');
    await h.host.pool.drain();
  });

  it('a resume evicts a standby too when there is no room', async () => {
    const { h } = await host({ pool: { size: 1, maxVms: 1 } });
    world.sim.setFaults('vm-limit=1');
    const project = world.project('warm-budget-resume');
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(await h.host.stop(s.id, 'keep')).toMatchObject({ outcome: 'kept' });
    // The room the session left is the standby's now.
    await h.host.pool.settled();
    expect(h.host.pool.status()).toMatchObject({ ready: 1, vms: 1 });
    const resumed = await h.host.resume({ id: s.id, wait: true });
    expect(resumed).toMatchObject({ id: s.id, state: 'running' });
    expect(await vmNames()).toEqual(['clave-base', resumed.vmName].sort());
    await h.host.stop(s.id, 'discard');
    await h.host.pool.drain();
  });

  it('a VM sees only its own session copy: two projects, two standbys', async () => {
    const { h } = await host({ pool: { size: 2, maxVms: 3 } });
    const a = world.project('warm-iso-a');
    const b = world.project('warm-iso-b');
    commit(a, 'only-a.txt', 'A\n', 'A');
    commit(b, 'only-b.txt', 'B\n', 'B');
    await standbyFor(h, a);
    const cold = await h.host.start({ projectDir: b, wait: true });
    await h.host.stop(cold.id, 'discard');
    await h.host.pool.settled();
    expect(h.host.pool.status()).toMatchObject({ ready: 2 });
    const sa = await h.host.start({ projectDir: a, wait: true });
    const sb = await h.host.start({ projectDir: b, wait: true });
    expect([sa.warm, sb.warm]).toEqual([true, true]);
    for (const [s, own, other] of [
      [sa, 'only-a.txt', 'only-b.txt'],
      [sb, 'only-b.txt', 'only-a.txt'],
    ] as const) {
      const seen = await inVm(s, 'ls -A /srv/project');
      expect(seen.split('\n')).toContain(own);
      expect(seen.split('\n')).not.toContain(other);
      // One share, and it is this session's copy: no other copy's folder reaches the VM.
      expect(await inVm(s, 'ls -A /srv/project/.clave 2>/dev/null || true')).toBe('');
    }
    await h.host.pool.drain();
    await Promise.all([sa, sb].map((s) => h.host.stop(s.id, 'discard')));
    await expectNothingLeft(a, b);
  });

  it('quit and cleanup tear standbys down: nothing left (VM, proxy, port, copy, record)', async () => {
    const first = await host();
    const project = world.project('warm-teardown');
    await standbyFor(first.h, project);
    // A dry run says the standby would go, and leaves it.
    const dry = await first.h.host.cleanup(true);
    expect(dry.standbys).toEqual([project]);
    expect(first.h.host.pool.status().ready).toBe(1);
    const report = await first.h.host.cleanup(false);
    expect(report.standbys).toEqual([project]);
    expect(report.problems).toEqual([]);
    await expectNothingLeft(project);

    // Made again by the next start; quit takes it too.
    await standbyFor(first.h, project);
    await runtime!.shutdown();
    runtime = null;
    await expectNothingLeft(project);
  });

  it('pool.size 0: no standby is made', async () => {
    const { h } = await host({ pool: { size: 0, maxVms: 4 } });
    const project = world.project('warm-off');
    const s = await h.host.start({ projectDir: project, wait: true });
    await h.host.pool.settled();
    expect(h.host.pool.status()).toMatchObject({ size: 0, ready: 0, booting: 0 });
    expect(await vmNames()).toEqual(['clave-base', s.vmName].sort());
    await h.host.stop(s.id, 'discard');
    await h.host.pool.settled();
    expect(await vmNames()).toEqual(['clave-base']);
  });
});
