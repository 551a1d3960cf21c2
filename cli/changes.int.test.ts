// The "done when" for the changes core, on the simulated VM host through a real
// `clave serve`: the agent edits one file and adds another in the VM → a watching face hears of it
// within a second, changes.get lists both with their counts, `clave diff --stat` is git's own
// `git diff --stat <base>`, `clave diff` and `clave log` show the work, and a squash merge leaves
// one commit on main with the message given.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawn as spawnPty } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketConnection } from '../electron/core/api/socket-client';
import { HostProcesses } from '../electron/core/session/testing/host-process';
import {
  CLAVE_BIN,
  createSimWorld,
  provisionBase,
  type SimWorld,
} from '../electron/core/session/testing/sim-env';

const run = promisify(execFile);
let world: SimWorld;
let hosts: HostProcesses;
let host: SocketConnection;

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, { env: world.env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: world.env, encoding: 'utf8' });

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  hosts = new HostProcesses(world);
  host = await hosts.start();
});

afterAll(async () => {
  host?.end();
  await hosts?.stopAll();
  await world?.cleanup();
});

describe("a session's changes, live and through the CLI", () => {
  it('shows an edit and a new file within a second, as git does, and squashes them onto main', async () => {
    const project = world.project('changes');
    const mainBefore = git(project, 'rev-parse', 'main').trim();
    const s = await host.api.call('sessions.start', { projectDir: project, wait: true });
    const copy = s.worktreeDir!;

    const updates: number[] = [];
    host.api.on('changes.updated', (e) => {
      if (e.sessionId === s.id) updates.push(Date.now());
    });
    await host.api.call('changes.watch', { id: s.id, on: true });

    // The agent works in the VM, on the shared copy.
    const edit = await clave(
      'exec',
      s.id,
      '--',
      'sh',
      '-c',
      "printf '<p>changed</p>\\n' >> public/index.html && printf '<?php\\necho 1;\\n' > hello.php",
    );
    expect(edit.code).toBe(0);
    const wrote = Date.now();
    for (let i = 0; i < 50 && updates.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(updates.length).toBeGreaterThan(0);
    expect(updates[0]! - wrote).toBeLessThan(1000);

    const changes = await host.api.call('changes.get', { id: s.id });
    expect(changes.files).toEqual([
      expect.objectContaining({
        path: 'hello.php',
        status: 'untracked',
        additions: 2,
        deletions: 0,
      }),
      expect.objectContaining({
        path: 'public/index.html',
        status: 'modified',
        additions: 1,
        deletions: 0,
      }),
    ]);
    expect(changes.base).toEqual({ branch: 'main', commit: mainBefore, moved: false });
    const diff = await host.api.call('changes.diff', { id: s.id, path: 'public/index.html' });
    expect(diff.diff).toContain('+<p>changed</p>');

    // `clave diff --stat` is `git diff --stat <base>` of the copy with its untracked files added
    // (intent-to-add), checked on a clone so the copy itself is left as the agent has it.
    const clone = path.join(world.sim.root, 'stat-check');
    cpSync(copy, clone, { recursive: true });
    git(clone, 'add', '--intent-to-add', '--all');
    const stat = await clave('diff', s.id, '--stat');
    expect(stat).toMatchObject({ code: 0, stderr: '' });
    expect(stat.stdout).toBe(git(clone, 'diff', '--stat', mainBefore));
    expect(stat.stdout).toMatch(/2 files changed, 3 insertions\(\+\)/);

    const full = await clave('diff', s.id);
    expect(full.code).toBe(0);
    expect(full.stdout).toBe(git(clone, 'diff', mainBefore));
    const one = await clave('diff', s.id, '--', 'public');
    expect(one.stdout).toContain('diff --git a/public/index.html b/public/index.html');
    expect(one.stdout).not.toContain('hello.php');

    // On a terminal the diff goes through $PAGER (run by the shell, as git runs it).
    const paged = path.join(world.sim.root, 'paged.txt');
    const pty = spawnPty(CLAVE_BIN, ['diff', s.id], {
      cols: 100,
      rows: 30,
      env: { ...world.env, PAGER: `cat > '${paged}'` } as Record<string, string>,
    });
    expect(await new Promise<number>((r) => pty.onExit((e) => r(e.exitCode)))).toBe(0);
    expect(readFileSync(paged, 'utf8')).toBe(full.stdout);

    git(copy, 'add', 'hello.php');
    git(copy, 'commit', '-qm', 'Say hello\n\nFrom the agent.');
    const log = await clave('log', s.id);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/^commit [0-9a-f]{40}\n/);
    expect(log.stdout).toContain('    Say hello\n\n    From the agent.\n');

    const stop = await clave('stop', s.id, '--on-exit=merge', '--squash', '-m', 'Hello, squashed');
    expect(stop).toMatchObject({ code: 0 });
    expect(git(project, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'Hello, squashed',
      'Initial commit',
    ]);
    expect(git(project, 'rev-parse', 'main~1').trim()).toBe(mainBefore);
    expect(git(project, 'show', 'main:hello.php')).toBe('<?php\necho 1;\n');
  });

  it('a squash that would conflict changes nothing and keeps the session, record included', async () => {
    const project = world.project('squash-conflict');
    const s = await host.api.call('sessions.start', { projectDir: project, wait: true });
    const copy = s.worktreeDir!;
    execFileSync('sh', ['-c', 'echo agent > artisan'], { cwd: copy });
    execFileSync('sh', ['-c', 'echo user > artisan'], { cwd: project });
    git(project, 'commit', '-qam', 'user change');
    const before = git(project, 'rev-parse', 'main');
    const stop = await clave('stop', s.id, '--on-exit=merge', '--squash', '-m', 'never lands');
    expect(stop.code).toBe(1);
    expect(stop.stderr).toMatch(/would conflict/);
    expect(git(project, 'rev-parse', 'main')).toBe(before);
    expect(git(project, 'status', '--porcelain')).toBe('');
    expect(await host.api.call('sessions.get', { id: s.id })).toMatchObject({
      state: 'kept',
      hasUnmergedWork: true,
    });
    expect(git(copy, 'show', 'HEAD:artisan')).toBe('agent\n');
  });

  it('refuses bad input to the changes methods, and the host goes on', async () => {
    const project = world.project('changes-edges');
    const s = await host.api.call('sessions.start', { projectDir: project, wait: true });
    const problem = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (e: Error) => e.message,
      );
    const outside = path.join(world.sim.root, 'outside.txt');
    execFileSync('sh', ['-c', `echo secret > '${outside}'`]);
    for (const p of ['../../outside.txt', outside, 'app/../../x'])
      expect(await problem(host.api.call('changes.diff', { id: s.id, path: p }))).toMatch(
        /is not a path in the session copy/,
      );
    expect(await problem(host.api.call('changes.diff', { id: s.id, path: '.git/config' }))).toMatch(
      /has no changes/,
    );
    expect(
      await problem(host.api.call('changes.stat', { id: s.id, paths: ['../../outside.txt'] })),
    ).toMatch(/is not a path in the session copy/);
    expect(await problem(host.api.call('changes.stat', { id: s.id, width: 5 }))).toMatch(
      /Invalid parameters/,
    );
    expect(await problem(host.api.call('changes.diff', { id: s.id, path: '' }))).toMatch(
      /Invalid parameters/,
    );
    expect(await problem(host.api.call('changes.watch', { id: 'zzzz0000', on: true }))).toMatch(
      /No session zzzz0000/,
    );
    expect(await host.api.call('changes.get', { id: s.id })).toMatchObject({ files: [] });
    await host.api.call('sessions.stop', { id: s.id, onExit: 'discard' });
  });

  it('fails with what, why and fix for a session it does not know', async () => {
    for (const args of [
      ['diff', 'zzzz0000'],
      ['diff', 'zzzz0000', '--stat'],
      ['log', 'zzzz0000'],
    ]) {
      const r = await clave(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/No session zzzz0000/);
      expect(r.stderr).toMatch(/fix:.*clave sessions/);
    }
  });
});
