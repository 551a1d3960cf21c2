// The same session, end to end through the `clave` CLI, on both backends: this Mac's Tart (the
// copy is the VM's folder) and a simulated Orchard controller (code travels by git). Start →
// Claude's prompt → the agent edits files → the changes show them → merge puts them on main →
// nothing left. On Orchard also: a worker lost mid-session keeps the work up to the last sync,
// and says so. One world and one controller for the file.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeDriver, poll, type ClaudeDriver } from '../../../e2e/sim/guest/claude-driver';
import { startSimOrchard, type SimOrchard } from '../../../e2e/sim/orchard/testing';
import type { SessionSummary } from '../../../shared/session';
import { stopCliHosts } from './testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

const run = promisify(execFile);
let world: SimWorld;
let orchard: SimOrchard;
let env: NodeJS.ProcessEnv;
/** "This Mac's" MySQL and Redis on 127.0.0.1 (their ports go in the settings). */
const macServices: { server: net.Server; port: number; connections: number }[] = [];

async function macService(): Promise<(typeof macServices)[number]> {
  const s = { server: net.createServer(), port: 0, connections: 0 };
  s.server.on('connection', (c) => (s.connections++, c.end('hello\n')));
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
  s.port = (s.server.address() as net.AddressInfo).port;
  macServices.push(s);
  return s;
}

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, { env, timeout: 180_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

interface Started {
  id: string;
  backend: string;
  worker: string | null;
  vm: string;
  branch: string;
  worktree: string;
}

async function start(project: string, backend: string): Promise<Started> {
  const r = await clave('start', project, '--detach', '--json', '--backend', backend);
  expect(r.stderr + r.stdout).not.toMatch(/✗/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Started;
}

async function session(id: string): Promise<SessionSummary | undefined> {
  const list = JSON.parse((await clave('sessions', '--json')).stdout) as SessionSummary[];
  return list.find((s) => s.id === id);
}

/** The agent's Claude in the session's VM, driven through `clave exec`. */
function agentOf(id: string): ClaudeDriver {
  return claudeDriver(async (cmd) => {
    const r = await clave('exec', id, '--', 'sh', '-c', cmd);
    if (r.code !== 0) throw new Error(r.stderr || `exit ${r.code}`);
    return r.stdout;
  }, 'claude');
}

/** One agent turn that runs `command` in /srv/project, until its Stop event. */
async function agentRuns(agent: ClaudeDriver, command: string): Promise<void> {
  const mark = await agent.mark();
  await agent.type(`run ${command}`);
  await agent.waitEvent('Stop', { after: mark, timeoutMs: 60_000 });
}

const onMain = (project: string) =>
  execFileSync('git', ['log', '--format=%s', 'main'], { cwd: project, encoding: 'utf8' });

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  const [mysql, redis] = [await macService(), await macService()];
  const settings = path.join(world.claveHome, 'settings.json');
  writeFileSync(
    settings,
    JSON.stringify({
      ...JSON.parse(readFileSync(settings, 'utf8')),
      services: { mysqlPort: mysql!.port, redisPort: redis!.port },
    }),
  );
  orchard = await startSimOrchard({ sim: world.sim, workerOfflineTimeoutMs: 500 });
  // The controller comes from the environment, as in CI (CLAVE_ORCHARD_URL / _ACCOUNT).
  env = { ...world.env, ...orchard.env };
}, 120_000);

afterAll(async () => {
  await stopCliHosts(world);
  await orchard?.stop();
  await world?.cleanup();
  for (const s of macServices) s.server.close();
});

describe.each(['tart', 'orchard'] as const)('a session on %s', (backend) => {
  it('start → Claude → the agent edits → changes show it → merge lands it → nothing left', async () => {
    const project = world.project(`same-${backend}`);
    const s = await start(project, backend);
    expect(s.backend).toBe(backend);
    if (backend === 'orchard') expect(s.worker).toMatch(/^mac-mini-\d$/);
    else expect(s.worker).toBeNull();

    const agent = agentOf(s.id);
    await agent.waitScreen(/Welcome to Claude Code/, 60_000);
    await agentRuns(agent, 'echo "made by the agent" > from-agent.txt');

    // The changes view reads the session copy on this Mac: on Orchard the VM's work came back.
    const stat = await clave('diff', s.id, '--stat');
    expect(stat.code).toBe(0);
    expect(stat.stdout).toContain('from-agent.txt');
    const listed = await session(s.id);
    expect(listed).toMatchObject({ backend, services: backend === 'tart' ? 'host' : 'vm' });
    if (backend === 'orchard') expect(listed?.syncedAt).not.toBeNull();

    const stop = await clave('stop', s.id, '--on-exit=merge');
    expect(stop.stderr + stop.stdout).toContain('work merged');
    expect(readFileSync(path.join(project, 'from-agent.txt'), 'utf8')).toBe('made by the agent\n');
    expect(onMain(project)).toContain(`Clave session ${s.id}`);

    expect(existsSync(s.worktree)).toBe(false);
    expect(await session(s.id)).toBeUndefined();
    expect(await world.tart('list', '--source', 'local', '--format', 'json')).not.toContain(s.vm);
    if (backend === 'orchard') await nothingOnTheController();
  });
});

/** No VM resource on the controller, and no tart VM on any worker (removed after the DELETE). */
async function nothingOnTheController() {
  let left: unknown = null;
  await poll(
    async () => {
      const { vms, workers } = await orchard.state();
      left = { vms, disks: workers.flatMap((w) => w.disks) };
      return vms.length === 0 && workers.every((w) => w.disks.length === 0) ? true : undefined;
    },
    30_000,
    () => `nothing left on the controller or its workers (left: ${JSON.stringify(left)})`,
  );
}

describe('on orchard only', () => {
  it('syncs on demand, and a host restart re-attaches through a new port-forward', async () => {
    const project = world.project('sync-reattach');
    const s = await start(project, 'orchard');
    await clave('exec', s.id, '--', 'sh', '-c', 'echo "by hand" > by-hand.txt');
    expect(existsSync(path.join(s.worktree, 'by-hand.txt'))).toBe(false);
    const sync = await clave('sync', s.id);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toMatch(/^Synced: the copy has the VM's work as of /);
    expect(readFileSync(path.join(s.worktree, 'by-hand.txt'), 'utf8')).toBe('by hand\n');

    // The host dies; the next one re-attaches: its old port-forward died with it.
    await stopCliHosts(world, 'SIGKILL');
    expect(await session(s.id)).toMatchObject({ state: 'running', backend: 'orchard' });
    const again = await clave('exec', s.id, '--', 'cat', 'by-hand.txt');
    expect(again.stdout).toBe('by hand\n');

    // The port-forward under the ssh connection drops: the connection is made again.
    await orchard.fault({ kind: 'drop-port-forwards', vm: s.vm });
    const back = await poll(
      async () => {
        const r = await clave('exec', s.id, '--', 'cat', 'by-hand.txt');
        return r.code === 0 ? r.stdout : undefined;
      },
      30_000,
      () => 'the session answering again after its port-forwards dropped',
    );
    expect(back).toBe('by hand\n');
    expect(await session(s.id)).toMatchObject({ state: 'running' });

    expect((await clave('stop', s.id, '--on-exit=discard', '--force')).code).toBe(0);
    await nothingOnTheController();
  });

  it('a host killed while the VM is being made: the next host leaves nothing on the controller', async () => {
    const project = world.project('crash-mid-start');
    const starting = clave('start', project, '--detach', '--json', '--backend', 'orchard');
    // The VM resource exists on the controller: the host dies before the session runs.
    await poll(
      async () => ((await orchard.state()).vms.length > 0 ? true : undefined),
      60_000,
      () => 'a VM on the controller',
    );
    await stopCliHosts(world, 'SIGKILL');
    // The dead host's face says it failed; it never reports a session that does not run.
    expect((await starting).code).not.toBe(0);
    // The next host (started by this command) reconciles: the half-made session is torn down
    // through the backend its record names, and its VM goes from the controller and the worker.
    expect(await clave('sessions', '--json').then((r) => JSON.parse(r.stdout))).toEqual([]);
    await nothingOnTheController();
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: project, encoding: 'utf8' })).toBe(
      '',
    );
  });

  it('a VM that fails is kept with what the last sync brought, and says so', async () => {
    const s = await start(world.project('vm-failed'), 'orchard');
    await orchard.fault({ kind: 'vm-failed', vm: s.vm, message: 'the disk went away' });
    const kept = await poll(
      async () => {
        const r = await session(s.id);
        return r?.state === 'kept' ? r : undefined;
      },
      60_000,
      () => 'the session kept after its VM failed',
    );
    expect(kept.error?.what).toMatch(/was lost/);
    expect(kept.error?.why).toMatch(/the disk went away/);
    expect(kept.error?.fix).toContain(`clave resume ${s.id}`);
    expect((await clave('stop', s.id, '--on-exit=discard', '--force')).code).toBe(0);
    await nothingOnTheController();
  });

  it('host services come through ssh tunnels; a copy changed on this Mac is never overwritten', async () => {
    const project = world.project('host-services');
    writeFileSync(path.join(project, '.clave.json'), JSON.stringify({ services: 'host' }));
    const s = await start(project, 'orchard');
    const r = (await session(s.id))!;
    expect(r.services).toBe('tunnel');
    expect(r.warnings.map((w) => w.what)).not.toContainEqual(expect.stringMatching(/MySQL|Redis/));
    expect(macServices.every((m) => m.connections > 0)).toBe(true);
    const env = await clave('exec', s.id, '--', 'grep', '-E', '^(DB|REDIS)_(HOST|PORT)=', '.env');
    expect(env.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [
        'DB_HOST=127.0.0.1',
        `DB_PORT=${macServices[0]!.port}`,
        'REDIS_HOST=127.0.0.1',
        `REDIS_PORT=${macServices[1]!.port}`,
      ].sort(),
    );

    // The person edits the copy on this Mac while the agent works in the VM.
    writeFileSync(path.join(s.worktree, 'mine.txt'), 'mine\n');
    const agent = agentOf(s.id);
    await agent.waitScreen(/Welcome to Claude Code/, 60_000);
    await agentRuns(agent, 'echo theirs > theirs.txt');
    const warned = await poll(
      async () =>
        (await session(s.id))?.warnings.find((w) => /changed/i.test(w.what + (w.why ?? ''))),
      30_000,
      () => 'a warning that the copy changed on this Mac',
    );
    expect(warned.fix).toBeTruthy();
    expect(readFileSync(path.join(s.worktree, 'mine.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(s.worktree, 'theirs.txt'))).toBe(false);

    // Merge asks for what cannot come back: the copy is kept instead, nothing reaches main.
    await clave('stop', s.id, '--on-exit=merge');
    expect(await session(s.id)).toMatchObject({ state: 'kept' });
    expect(existsSync(path.join(project, 'mine.txt'))).toBe(false);
    expect(readFileSync(path.join(s.worktree, 'mine.txt'), 'utf8')).toBe('mine\n');
    await nothingOnTheController();
    expect((await clave('stop', s.id, '--on-exit=discard', '--force')).code).toBe(0);
  });

  it('a discard while the controller is away: the VM it could not delete goes at the next cleanup', async () => {
    const project = world.project('controller-away');
    const s = await start(project, 'orchard');
    await orchard.fault({ kind: 'unavailable', on: true });
    const d = await clave('stop', s.id, '--on-exit=discard', '--force');
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/✗ Delete the VM: Could not read the Orchard VM/);
    expect(d.stdout).toContain(
      `work discarded, but not all of it was torn down (above); once that is fixed, clave stop ${s.id} again (or clave cleanup) finishes it.`,
    );
    // The copy is gone as asked; the record stays, with why, until its VM is gone too.
    expect(existsSync(s.worktree)).toBe(false);
    expect(await session(s.id)).toMatchObject({ state: 'stopping', error: { what: /Orchard/ } });
    expect((await clave('sessions')).stdout).toMatch(
      new RegExp(`Stops that did not finish.*\n  ${s.id}  .*Orchard`),
    );
    await orchard.fault({ kind: 'unavailable', on: false });
    expect((await orchard.state()).vms.map((v) => v.name)).toEqual([s.vm]);

    const dry = await clave('cleanup', '--dry-run');
    expect(dry.stdout).toContain(`Would tear down session ${s.id} (left unfinished`);
    expect(dry.stdout).toMatch(new RegExp(`Would remove VM ${s.vm}: created by session ${s.id}`));
    expect((await orchard.state()).vms).toHaveLength(1);
    const c = await clave('cleanup');
    expect(c.code).toBe(0);
    await nothingOnTheController();
    // The discard the person asked for is finished: no kept session left without a copy.
    expect(await session(s.id)).toBeUndefined();
    expect(onMain(project)).not.toContain(s.id);
    expect(
      execFileSync('git', ['branch', '--list', s.branch], { cwd: project, encoding: 'utf8' }),
    ).toBe('');
  });

  it('a merge whose VM could not be deleted finishes when the stop is asked again', async () => {
    const s = await start(world.project('stop-again'), 'orchard');
    await orchard.fault({ kind: 'unavailable', on: true });
    const first = await clave('stop', s.id, '--on-exit=merge');
    expect(first.code).not.toBe(0);
    expect(first.stdout).toMatch(/work merged, but not all of it was torn down/);
    expect(existsSync(s.worktree)).toBe(false);
    await orchard.fault({ kind: 'unavailable', on: false });
    // What the window's "Stop again…" asks: the same stop, on the record the failure left. The
    // merge is not tried again on a copy that is gone: the session ends as merged.
    const again = await clave('stop', s.id, '--on-exit=merge');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('work merged');
    expect(await session(s.id)).toBeUndefined();
    await nothingOnTheController();
  });

  it('a worker lost mid-session keeps the work up to the last sync, and says so', async () => {
    const project = world.project('worker-lost');
    const s = await start(project, 'orchard');
    const agent = agentOf(s.id);
    await agent.waitScreen(/Welcome to Claude Code/, 60_000);
    await agentRuns(agent, 'echo "before the loss" > synced.txt');
    // The turn's sync brought it back (the Stop event, then a git round trip).
    await poll(
      async () => (existsSync(path.join(s.worktree, 'synced.txt')) ? true : undefined),
      30_000,
      () => 'synced.txt in the session copy',
    );
    const syncedAt = (await session(s.id))?.syncedAt;
    expect(syncedAt).toBeTruthy();
    // Work after the last sync (no turn ended since): the loss takes it.
    await clave('exec', s.id, '--', 'sh', '-c', 'echo "after the sync" > unsynced.txt');

    await orchard.fault({ kind: 'worker-lost', worker: s.worker! });
    const kept = await poll(
      async () => {
        const r = await session(s.id);
        return r?.state === 'kept' ? r : undefined;
      },
      60_000,
      () => 'the session kept after its worker was lost',
    );
    expect(kept.error?.what).toMatch(/was lost/);
    expect(kept.error?.why).toContain(`up to the last sync (${kept.syncedAt})`);
    expect(kept.error?.why).toMatch(/what the agent did after that is lost/);
    expect(readFileSync(path.join(s.worktree, 'synced.txt'), 'utf8')).toBe('before the loss\n');
    expect(existsSync(path.join(s.worktree, 'unsynced.txt'))).toBe(false);

    await orchard.fault({ kind: 'worker-back', worker: s.worker! });
    const d = await clave('stop', s.id, '--on-exit=discard', '--force');
    expect(d.code).toBe(0);
  });
});
