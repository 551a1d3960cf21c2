// The SessionHost in-process on the simulated VM host: parallel sessions, and a failure injected
// at each step that can fail, each of which must say what failed and leave nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import { dataPaths } from '../config/paths';
import { Settings } from '../config/settings';
import { createHostRuntime, type HostRuntime } from '../compose';
import { sshConnect, sshExec } from '../../../e2e/sim/ssh';
import { createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

let world: SimWorld;
let runtime: HostRuntime | null = null;

const fast = {
  vm: { cpus: 1, memoryMb: 1024 },
  timeouts: { ipSeconds: 4, sshSeconds: 4, mountSeconds: 2, commandSeconds: 30 },
  // A range of this file's own: "the port is free again" cannot be spoilt by a session of
  // another test file (they run at once) taking the freed port, as the default range allows.
  ports: { from: 8400, to: 8449 },
  pool: { size: 0 }, // no standby VMs besides the sessions a test starts
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

  it('names a session started from a subfolder after its repository', async () => {
    const h = await host();
    const project = world.project('named-by-root');
    const s = await h.host.start({ projectDir: path.join(project, 'public'), wait: true });
    const slug = path.basename(project);
    expect(s.projectDir).toBe(project);
    expect(s.projectName).toBe(slug);
    expect(s.proxyName).toBe(`${slug}-${s.id}`);
    expect(s.url).toContain(`${slug}-${s.id}`);
    expect(s.worktreeDir).toBe(path.join(project, '.clave', 'wt', `s-${s.id}`));
    await h.host.stop(s.id, 'discard');
    await expectNothingLeft(project);
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
    /** A project folder name Tart cannot share (`world.project` makes it a real repo). */
    folder?: string;
  }[] = [
    ...[
      ['a line break', 'new\nline', 'validate-project'],
      ['a colon', 'co:lon', 'choose-backend'],
      ['a comma', 'com,ma', 'choose-backend'],
      ['an escape character', 'esc\u001bape', 'validate-project'],
      ['a tab', 'tab\there', 'validate-project'],
    ].map(([name, folder, step]) => ({
      name: `${name} in the path`,
      step: step!,
      what: /Tart cannot share this project folder/,
      folder: folder!,
    })),
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
      const project = world.project(f.folder ?? `fail-${f.step}-${failures.indexOf(f)}`);
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

  it('refuses a path with NUL or longer than macOS takes before touching anything', async () => {
    const h = await host();
    // A Laravel repo whose copy path (.clave/wt/s-<id> appended) passes macOS's 1023 bytes.
    const long = world.project(Array.from({ length: 5 }, (_, i) => `${i}`.repeat(200)).join('/'));
    const short = world.project('nul');
    for (const [projectDir, what, step] of [
      [`${short}\u0000x`, /Tart cannot share this project folder/, 'validate-project'],
      // Whether the VM host takes the path is known once the backend is chosen.
      [long, /Tart cannot share this project folder: its path is longer/, 'choose-backend'],
    ] as const) {
      const events: PipelineEvent[] = [];
      const listener = (e: { event: PipelineEvent }) => events.push(e.event);
      h.host.on('session.progress', listener);
      await expect(h.host.start({ projectDir, wait: true })).rejects.toMatchObject({
        problem: { what: expect.stringMatching(what), fix: expect.stringMatching(/.+/) },
      });
      h.host.off('session.progress', listener);
      expect(events.find((e) => e.type === 'step-failed')).toMatchObject({ step });
    }
    await expectNothingLeft(long);
    await expectNothingLeft(short);
  });

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

describe('a refused merge', () => {
  it('keeps the record with the reason, and a retry after fixing main (or keep) works', async () => {
    const h = await host();
    const project = world.project('refused-merge');
    const git = (...a: string[]) =>
      execFileSync('git', a, { cwd: project, env: world.env, encoding: 'utf8' }).trim();
    const [a, b] = await Promise.all([
      h.host.start({ projectDir: project, wait: true }),
      h.host.start({ projectDir: project, wait: true }),
    ]);
    for (const s of [a, b]) writeFileSync(path.join(s.worktreeDir!, 'artisan'), `agent ${s.id}\n`);
    writeFileSync(path.join(project, 'artisan'), 'user\n');
    git('commit', '-qam', 'user change');
    const userHead = git('rev-parse', 'HEAD');

    for (const s of [a, b]) {
      const refused = await h.host.stop(s.id, 'merge');
      expect(refused.outcome).toBe('kept');
      expect(refused.problem?.what).toMatch(/would conflict/);
      expect(h.host.get(s.id)).toMatchObject({ state: 'kept', error: refused.problem });
      expect(h.host.list().map((x) => x.id)).toContain(s.id);
    }
    expect(git('rev-parse', 'HEAD')).toBe(userHead);
    expect(git('status', '--porcelain')).toBe('');
    expect(world.sim.runningVMs()).toEqual([]);

    // The user fixes main (drops the conflicting change): merging again lands the work.
    git('reset', '-q', '--hard', 'HEAD~1');
    expect(await h.host.stop(a.id, 'merge')).toEqual({
      outcome: 'merged',
      problem: null,
      teardownProblems: [],
    });
    expect(readFileSync(path.join(project, 'artisan'), 'utf8')).toBe(`agent ${a.id}\n`);
    expect(() => h.host.get(a.id)).toThrow(/No session/);

    // Or chooses keep: the copy with the agent's work stays, listed as kept.
    expect(await h.host.stop(b.id, 'keep')).toEqual({
      outcome: 'kept',
      problem: null,
      teardownProblems: [],
    });
    expect(h.host.get(b.id)).toMatchObject({ state: 'kept' });
    expect(readFileSync(path.join(b.worktreeDir!, 'artisan'), 'utf8')).toBe(`agent ${b.id}\n`);
  });
});

describe('the agent commits inside the VM', () => {
  it("as the user (the project's git identity), or as Clave Agent when there is none", async () => {
    const h = await host();
    const mine = world.project('identity-user');
    execFileSync('git', ['config', 'user.name', 'Ada Lövelace'], { cwd: mine });
    execFileSync('git', ['config', 'user.email', 'ada@example.com'], { cwd: mine });
    const nobody = world.project('identity-none');
    const sessions = await Promise.all(
      [mine, nobody].map((projectDir) => h.host.start({ projectDir, wait: true })),
    );
    const authors = await Promise.all(
      sessions.map(async (s) => {
        const ssh = await sshConnect(s.vmIp!);
        try {
          const r = await sshExec(
            ssh,
            'cd /srv/project && echo agent > agent.txt && git add agent.txt && ' +
              "git commit -qm 'by the agent' && git log -1 --format='%an <%ae>'",
          );
          expect(r.stderr).toBe('');
          expect(r.code).toBe(0);
          return r.stdout.trim();
        } finally {
          ssh.end();
        }
      }),
    );
    expect(authors).toEqual([
      'Ada Lövelace <ada@example.com>',
      'Clave Agent <agent@clave.invalid>',
    ]);
    for (const s of sessions) await h.host.stop(s.id, 'discard', true);
  });
});

describe('secrets stay out of local tools', () => {
  it('`tart run` (and every tool Clave spawns) runs without the Claude credential or other secrets', async () => {
    const secrets = {
      ANTHROPIC_API_KEY: world.env.ANTHROPIC_API_KEY!,
      CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-oauth-token-that-must-stay-home',
      GITHUB_TOKEN: 'ghp_not-for-tart',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-not-for-tart',
      DB_PASSWORD: 'db-password-not-for-tart',
    };
    const h = await host({}, { ...world.env, ...secrets });
    const s = await h.host.start({ projectDir: world.project('no-secrets'), wait: true });
    const db = new Database(dataPaths(world.claveHome).database, { readonly: true });
    const { vm_pid: pid } = db.prepare('SELECT vm_pid FROM sessions WHERE id = ?').get(s.id) as {
      vm_pid: number;
    };
    db.close();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('run');
    expect(environ.some((v) => v.startsWith('PATH='))).toBe(true);
    for (const [name, value] of Object.entries(secrets)) {
      expect(environ.filter((v) => v.startsWith(`${name}=`) || v.includes(value))).toEqual([]);
    }
    await h.host.stop(s.id, 'discard', true);
  });
});
