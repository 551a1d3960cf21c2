// The session lifecycle end to end on the simulated VM host, driven the way a person drives it:
// the `clave` CLI talking to a background host over its socket.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawn as spawnPty } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

const run = promisify(execFile);
let world: SimWorld;

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, { env: world.env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

interface Started {
  id: string;
  vm: string;
  ip: string;
  port: number;
  url: string;
  branch: string;
  worktree: string;
}

async function start(project: string, ...extra: string[]): Promise<Started> {
  const r = await clave('start', project, '--detach', '--json', ...extra);
  expect(r.stderr + r.stdout).not.toMatch(/✗/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Started;
}

async function expectNothingLeft(s: Started) {
  expect(await world.tart('list', '--source', 'local', '--format', 'json')).not.toContain(s.vm);
  expect(await world.herd('proxies')).not.toContain(s.id);
  expect(await portIsFree(s.port)).toBe(true);
  expect(existsSync(s.worktree)).toBe(false);
  const sessions = await clave('sessions', '--json');
  expect(JSON.parse(sessions.stdout).map((x: { id: string }) => x.id)).not.toContain(s.id);
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
});

afterAll(async () => {
  // The background host this test's CLI started: SIGTERM tears down whatever is left.
  for (const pid of hostPids()) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && hostPids().length; i++) await new Promise((r) => setTimeout(r, 100));
  await world.cleanup();
});

function hostPids(): number[] {
  let out: string;
  try {
    out = execFileSync('pgrep', ['-f', 'cli/main.ts serve'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'utf8').includes(
          `CLAVE_HOME=${world.claveHome}\0`,
        );
      } catch {
        return false;
      }
    });
}

describe('session lifecycle on the simulated host', () => {
  it('start → agent runs → edit through clave exec → stop with merge lands a commit', async () => {
    const project = world.project('My App "quoted" ü');
    const s = await start(project);
    expect(s.branch).toBe(`clave/s-${s.id}`);
    expect(s.worktree).toBe(path.join(project, '.clave', 'wt', `s-${s.id}`));

    // Claude runs in tmux inside the VM, as the VM user, in /srv/project.
    const pane = await clave('exec', s.id, '--', 'tmux', 'capture-pane', '-p', '-t', 'claude');
    expect(pane.code).toBe(0);

    // The site answers through the tunnel.
    const page = await fetch(`http://127.0.0.1:${s.port}/`).then((r) => r.text());
    expect(page).toContain('Hello from the session VM');

    const edit = await clave(
      'exec',
      s.id,
      '--',
      'sh',
      '-c',
      'echo "made in the VM" > from-agent.txt && pwd',
    );
    expect(edit.code).toBe(0);
    expect(edit.stdout.trim()).toBe('/srv/project');
    expect(readFileSync(path.join(s.worktree, 'from-agent.txt'), 'utf8')).toBe('made in the VM\n');

    const failing = await clave('exec', s.id, '--', 'sh', '-c', 'exit 7');
    expect(failing.code).toBe(7);

    const stop = await clave('stop', s.id, '--on-exit=merge');
    expect(stop.stdout).toContain('work merged');
    expect(readFileSync(path.join(project, 'from-agent.txt'), 'utf8')).toBe('made in the VM\n');
    const log = execFileSync('git', ['log', '--format=%s', 'main'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(log).toContain(`Clave session ${s.id}`);
    await expectNothingLeft(s);
  });

  it('keep leaves the copy and its branch; discard removes an untouched copy', async () => {
    const project = world.project('keep-discard');
    const kept = await start(project);
    const discarded = await start(project);
    expect(kept.port).not.toBe(discarded.port);

    await clave('exec', kept.id, '--', 'sh', '-c', 'echo wip > wip.txt');
    const k = await clave('stop', kept.id, '--on-exit=keep');
    expect(k.stdout).toContain('work kept');
    expect(readFileSync(path.join(kept.worktree, 'wip.txt'), 'utf8')).toBe('wip\n');
    expect(existsSync(path.join(project, 'wip.txt'))).toBe(false);
    // The kept copy stays listed until it is merged or discarded (issue 10 item 8).
    const sessions = JSON.parse((await clave('sessions', '--json')).stdout) as {
      id: string;
      state: string;
      hasUnmergedWork: boolean;
    }[];
    expect(sessions.find((x) => x.id === kept.id)).toMatchObject({
      state: 'kept',
      hasUnmergedWork: true,
    });

    const d = await clave('stop', discarded.id, '--on-exit=discard');
    expect(d.stdout).toContain('work discarded');
    await expectNothingLeft(discarded);
  });

  it('a folder that is not a Laravel project gets one clear line and leaves nothing', async () => {
    const r = await clave('start', world.sim.root, '--detach');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a git repository|not a Laravel project/);
    // Only the session kept above is listed (issue 10 item 8: kept copies stay listed).
    const listed = JSON.parse((await clave('sessions', '--json')).stdout) as { state: string }[];
    expect(listed.filter((s) => s.state !== 'kept')).toEqual([]);
  });

  it('unknown ids and bad arguments fail with one line', async () => {
    const r = await clave('stop', 'zzzzzzzz');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/No session zzzzzzzz/);
    expect((await clave('start', '--bogus')).code).toBe(64);
  });

  it('`clave <dir>` attaches this terminal to Claude and asks keep/merge/discard when it exits', async () => {
    const project = world.project('interactive');
    const pty = spawnPty(CLAVE_BIN, [project], {
      cols: 120,
      rows: 40,
      env: world.env as Record<string, string>,
    });
    let screen = '';
    pty.onData((d) => (screen += d));
    const exited = new Promise<number>((r) => pty.onExit((e) => r(e.exitCode)));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 300 && !re.test(screen); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(screen).toMatch(re);
    };
    await waitFor(/Boot the VM/);
    await waitFor(/Welcome to Claude Code/);
    pty.write('/exit\r');
    await waitFor(/Keep, merge, squash \(one commit\) or discard\?/);
    expect(screen).toMatch(/No changes: the session copy is the same as main/);
    pty.write('m\r');
    expect(await exited).toBe(0);
    expect(screen).toMatch(/work merged/);
    const sessions = JSON.parse((await clave('sessions', '--json')).stdout) as {
      projectDir: string;
    }[];
    expect(sessions.filter((x) => x.projectDir === project)).toEqual([]);
  });

  it('cleanup leaves a VM it did not make alone, whatever its name', async () => {
    // Issue 10 item 1: `clave-0rphan00` looks like a session VM but is on no ledger: the user's.
    await world.tart('clone', 'clave-base', 'clave-0rphan00');
    const dry = await clave('cleanup', '--dry-run');
    expect(dry.stdout).not.toContain('clave-0rphan00');
    const real = await clave('cleanup');
    expect(real.code).toBe(0);
    expect(real.stdout).not.toContain('clave-0rphan00');
    expect(await world.tart('list', '--source', 'local', '--format', 'json')).toContain(
      'clave-0rphan00',
    );
  });

  it('doctor and auth report what they see', async () => {
    const doctor = await clave('doctor');
    expect(doctor.stdout).toMatch(/✓ Tart: tart /);
    expect(doctor.stdout).toMatch(/✓ Base VM: clave-base is provisioned/);
    expect(doctor.stdout).toMatch(/✓ Claude authentication: api-key from ANTHROPIC_API_KEY/);
    // Linux is not a Mac, and says so without failing; only a failed check fails the command.
    expect(doctor.stdout).toMatch(/^– Apple silicon and macOS: Not a Mac \(linux /m);
    // Ten checks: Orchard's is one of them (it fails only when Orchard is the chosen backend).
    expect(doctor.stdout.split('\n').filter((l) => /^[✓!✗–] /.test(l))).toHaveLength(10);
    expect(doctor.code).toBe(/^✗ /m.test(doctor.stdout) ? 1 : 0);
    const auth = await clave('auth', '--status');
    expect(auth.stdout).toContain('Authenticated with api-key from ANTHROPIC_API_KEY');
  });
});
