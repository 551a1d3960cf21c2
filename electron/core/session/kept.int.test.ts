// A start cut short by a host crash after the agent's copy got work: the next host lists the
// session as kept (path, unmerged work) until the person merges or discards it; a copy without
// work goes. `clave sessions` and `clave cleanup` both show it.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketConnection } from '../api/socket-client';
import { HostProcesses } from './testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

const run = promisify(execFile);
let world: SimWorld;
let hosts: HostProcesses;

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, { env: world.env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Starts a session that boots slowly and crashes its host while the VM boots. */
async function crashMidStart(
  host: SocketConnection,
  project: string,
  work?: (copy: string) => void,
) {
  world.sim.setFaults('slow-boot=20000');
  const booting = new Promise<void>((resolve) =>
    host.api.on('session.progress', (e) => {
      if (e.event.type === 'step-started' && e.event.step === 'boot-vm') resolve();
    }),
  );
  const s = await host.api.call('sessions.start', { projectDir: project });
  await booting;
  const record = await host.api.call('sessions.get', { id: s.id });
  work?.(record.worktreeDir!);
  await hosts.crash();
  world.sim.clearFaults();
  return record;
}

const branchExists = (project: string, branch: string) =>
  execFileSync('git', ['branch', '--list', branch], { cwd: project, encoding: 'utf8' }).trim() !==
  '';

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  hosts = new HostProcesses(world);
});

afterAll(async () => {
  world.sim.clearFaults();
  await hosts.stopAll();
  await world.cleanup();
});

describe('a start cut short by a host crash', () => {
  it('keeps a copy with work as a kept session that merge and discard then settle', async () => {
    const project = world.project('kept-after-crash');
    const first = await hosts.start();
    const withWork = await crashMidStart(first, project, (copy) =>
      writeFileSync(path.join(copy, 'agent-notes.txt'), 'half-done work\n'),
    );
    const second = await hosts.start();
    const toDiscard = await crashMidStart(second, project, (copy) =>
      writeFileSync(path.join(copy, 'scratch.txt'), 'experiment\n'),
    );
    const third = await hosts.start();
    const untouched = await crashMidStart(third, project);

    const host = await hosts.start();
    const list = await host.api.call('sessions.list', {});
    const state = (id: string) => list.find((s) => s.id === id);
    for (const s of [withWork, toDiscard]) {
      expect(state(s.id)).toMatchObject({
        state: 'kept',
        worktreeDir: s.worktreeDir,
        hasUnmergedWork: true,
        vmName: null,
        proxyName: null,
      });
      expect(existsSync(s.worktreeDir!)).toBe(true);
    }
    // No work: the copy, its branch and the record go.
    expect(state(untouched.id)).toBeUndefined();
    expect(existsSync(untouched.worktreeDir!)).toBe(false);
    expect(branchExists(project, untouched.branch!)).toBe(false);
    // Every VM of those starts is gone.
    expect(world.sim.runningVMs()).toEqual([]);
    expect(await world.tart('list', '--source', 'local', '--format', 'json')).not.toMatch(
      new RegExp(`${withWork.id}|${toDiscard.id}|${untouched.id}`),
    );

    const sessions = await clave('sessions');
    expect(sessions.stdout).toMatch(new RegExp(`${withWork.id} .* kept`));
    expect(sessions.stdout).toContain(
      `${withWork.id}  ${withWork.worktreeDir}  holds unmerged work`,
    );
    const cleanup = await clave('cleanup', '--dry-run');
    expect(cleanup.stdout).toMatch(
      new RegExp(
        `Left alone session copy ${withWork.worktreeDir}: created by session ${withWork.id} .*session ${withWork.id} is kept and holds unmerged work`,
      ),
    );
    // A real cleanup does not touch kept copies either.
    expect((await clave('cleanup')).code).toBe(0);
    expect(existsSync(path.join(withWork.worktreeDir!, 'agent-notes.txt'))).toBe(true);

    const merged = await host.api.call('sessions.stop', { id: withWork.id, onExit: 'merge' });
    expect(merged).toEqual({ outcome: 'merged', problem: null, teardownProblems: [] });
    expect(readFileSync(path.join(project, 'agent-notes.txt'), 'utf8')).toBe('half-done work\n');
    expect(existsSync(withWork.worktreeDir!)).toBe(false);

    const refused = await host.api.call('sessions.stop', { id: toDiscard.id, onExit: 'discard' });
    expect(refused.outcome).toBe('kept');
    expect(await host.api.call('sessions.get', { id: toDiscard.id })).toMatchObject({
      state: 'kept',
      hasUnmergedWork: true,
    });
    const forced = await host.api.call('sessions.stop', {
      id: toDiscard.id,
      onExit: 'discard',
      force: true,
    });
    expect(forced).toEqual({ outcome: 'discarded', problem: null, teardownProblems: [] });
    expect(existsSync(toDiscard.worktreeDir!)).toBe(false);

    expect(
      (await host.api.call('sessions.list', {})).filter((s) => s.projectDir === project),
    ).toEqual([]);
    expect((await host.api.call('sessions.cleanup', { dryRun: true })).items).toEqual([]);
    host.end();
  });
});
