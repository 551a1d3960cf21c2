// The SessionHost in-process on the simulated VM host: parallel sessions, and a failure injected
// at each step that can fail, each of which must say what failed and leave nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import { dataPaths } from '../config/paths';
import { Settings } from '../config/settings';
import { createHostRuntime, type HostRuntime } from '../compose';
import { createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

let world: SimWorld;
let runtime: HostRuntime | null = null;

const fast = {
  vm: { cpus: 1, memoryMb: 1024 },
  timeouts: { ipSeconds: 4, sshSeconds: 4, mountSeconds: 2, commandSeconds: 30 },
};

async function host(settings: object = {}, env: NodeJS.ProcessEnv = world.env) {
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({ ...fast, ...settings }),
    face: 'cli',
    env,
  });
  await runtime.reconciled;
  return runtime;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function expectNothingLeft(project: string, ports: number[] = []) {
  const vms = JSON.parse(await world.tart('list', '--source', 'local', '--format', 'json')) as {
    Name: string;
  }[];
  expect(vms.map((v) => v.Name)).toEqual(['clave-base']);
  expect((await world.herd('proxies')).match(/-[a-z0-9]{8}\b/g) ?? []).toEqual([]);
  for (const p of ports) expect(await portIsFree(p)).toBe(true);
  const wt = path.join(project, '.clave', 'wt');
  expect(existsSync(wt) ? readdirSync(wt) : []).toEqual([]);
  // This project's sessions only: a test that failed earlier leaves its sessions kept (listed).
  expect(runtime!.host.list().filter((s) => s.projectDir === project)).toEqual([]);
  const branches = execFileSync('git', ['branch', '--list', 'clave/*'], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(branches.trim()).toBe('');
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
});

afterEach(async () => {
  world.sim.clearFaults();
  await runtime?.shutdown();
  runtime = null;
});

afterAll(async () => {
  await world.cleanup();
});

describe('SessionHost on the simulated host', () => {
  it('runs 4 sessions in parallel with distinct VMs, ports and proxy names, then tears all down', async () => {
    const h = await host();
    const project = world.project('parallel');
    const sessions = await Promise.all(
      [0, 1, 2, 3].map(() => h.host.start({ projectDir: project, wait: true })),
    );
    expect(sessions.map((s) => s.urlNote)).toEqual([null, null, null, null]);
    const distinct = (k: 'vmName' | 'tunnelPort' | 'proxyName' | 'vmIp') =>
      new Set(sessions.map((s) => s[k])).size;
    expect([
      distinct('vmName'),
      distinct('tunnelPort'),
      distinct('proxyName'),
      distinct('vmIp'),
    ]).toEqual([4, 4, 4, 4]);
    for (const s of sessions) {
      expect(s.state).toBe('running');
      const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text());
      expect(page).toContain('Hello from the session VM');
    }
    const results = await Promise.all(sessions.map((s) => h.host.stop(s.id, 'discard')));
    for (const r of results)
      expect(r).toEqual({ outcome: 'discarded', problem: null, teardownProblems: [] });
    await expectNothingLeft(
      project,
      sessions.map((s) => s.tunnelPort!),
    );
  });

  it('serves the site on 127.0.0.1 and says why when Herd fails', async () => {
    const h = await host();
    world.sim.setFaults('herd-fail');
    const project = world.project('no-herd');
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(s.url).toBe(`http://127.0.0.1:${s.tunnelPort}`);
    expect(s.urlNote).toMatch(/No \.test name/);
    world.sim.clearFaults();
    await h.host.stop(s.id, 'discard');
    await expectNothingLeft(project);
  });

  const failures: {
    name: string;
    step: string;
    what: RegExp;
    fault?: string;
    settings?: object;
    env?: () => NodeJS.ProcessEnv;
    project?: (dir: string) => void;
  }[] = [
    {
      name: 'not a Laravel project',
      step: 'validate-project',
      what: /not a Laravel project/,
      project: (d) => execFileSync('rm', [path.join(d, 'artisan')]),
    },
    {
      name: 'no base VM',
      step: 'ensure-vm-exists',
      what: /base VM nope does not exist/,
      settings: { baseVm: 'nope' },
    },
    {
      name: 'no Claude credential',
      step: 'check-claude-auth',
      what: /not authenticated/,
      env: () => ({ ...world.env, ANTHROPIC_API_KEY: '' }),
    },
    {
      name: 'the session copy cannot be made',
      step: 'clone-repo',
      what: /.+/,
      project: (d) => writeFileSync(path.join(d, '.clave'), 'not a folder'),
    },
    { name: 'disk full on clone', step: 'clone-vm', what: /.+/, fault: 'clone-disk-full' },
    { name: 'the VM does not start', step: 'boot-vm', what: /.+/, fault: 'run-start-fail' },
    { name: 'no IP address', step: 'boot-vm', what: /address|IP/i, fault: 'no-ip' },
    { name: 'sshd never comes up', step: 'boot-vm', what: /.+/, fault: 'sshd-refuse' },
    {
      name: 'the share never mounts',
      step: 'boot-vm',
      what: /mount the project/,
      fault: 'mount-fail=1000',
    },
  ];

  for (const f of failures) {
    it(`a failure at ${f.step} (${f.name}) says what failed and leaves nothing behind`, async () => {
      const h = await host(f.settings ?? {}, f.env?.() ?? world.env);
      const project = world.project(`fail-${f.step}-${failures.indexOf(f)}`);
      f.project?.(project);
      if (f.fault) world.sim.setFaults(f.fault);
      const events: PipelineEvent[] = [];
      h.host.on('session.progress', (e) => events.push(e.event));
      const started = h.host.start({ projectDir: project, wait: true });
      await expect(started).rejects.toMatchObject({
        problem: { what: expect.stringMatching(f.what) },
      });
      const failed = events.find((e) => e.type === 'step-failed');
      expect(failed).toMatchObject({ step: f.step });
      world.sim.clearFaults();
      await expectNothingLeft(project);
    });
  }

  it('refuses a port range with no free port, and cleans up', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const h = await host({ ports: { from: Math.max(port, 1024), to: Math.max(port, 1024) } });
      const project = world.project('no-port');
      const events: PipelineEvent[] = [];
      h.host.on('session.progress', (e) => events.push(e.event));
      await expect(h.host.start({ projectDir: project, wait: true })).rejects.toMatchObject({
        problem: { what: expect.stringMatching(/No free local port/) },
      });
      expect(events.find((e) => e.type === 'step-failed')).toMatchObject({
        step: 'create-ssh-tunnel',
      });
      await expectNothingLeft(project);
    } finally {
      blocker.close();
    }
  });

  it('a stop while the session is still booting interrupts it and leaves nothing behind', async () => {
    const h = await host();
    const project = world.project('interrupted');
    world.sim.setFaults('slow-boot=3000');
    const booting = new Promise<void>((resolve) =>
      h.host.on('session.progress', (e) => {
        if (e.event.type === 'step-started' && e.event.step === 'boot-vm') resolve();
      }),
    );
    const s = await h.host.start({ projectDir: project });
    await booting;
    const result = await h.host.stop(s.id, 'keep');
    expect(result.teardownProblems).toEqual([]);
    await expectNothingLeft(project);
  });

  it('a refused discard keeps the session until it is confirmed with force', async () => {
    const h = await host();
    const project = world.project('refused-discard');
    const s = await h.host.start({ projectDir: project, wait: true });
    writeFileSync(path.join(s.worktreeDir!, 'precious.txt'), 'work of the agent\n');
    const refused = await h.host.stop(s.id, 'discard');
    expect(refused.outcome).toBe('kept');
    expect(refused.problem?.what).toMatch(/Kept the session/);
    // Issue 10 item 8: the copy stays, so the session is listed as kept, with its work flagged.
    expect(h.host.get(s.id)).toMatchObject({
      state: 'kept',
      error: refused.problem,
      hasUnmergedWork: true,
    });
    expect(world.sim.runningVMs()).toEqual([]);
    const forced = await h.host.stop(s.id, 'discard', true);
    expect(forced).toEqual({ outcome: 'discarded', problem: null, teardownProblems: [] });
    await expectNothingLeft(project, [s.tunnelPort!]);
  });
});
