// Warm start through the real CLI and a `clave serve` host process: `clave start --json` says
// whether it was warm, `clave pool` shows and sets the pool, the standby is in no list, and a
// standby a crashed host left behind is torn down by the next host, not re-attached.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../config/paths';
import { HostProcesses } from '../testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';

const run = promisify(execFile);
let world: SimWorld;
let hosts: HostProcesses;

async function clave(...args: string[]): Promise<unknown> {
  const r = await run(CLAVE_BIN, args, { env: world.env, timeout: 120_000 });
  return JSON.parse(r.stdout) as unknown;
}

async function until<T>(f: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}

interface Pool {
  size: number;
  ready: number;
  booting: number;
}
const poolReady = () =>
  until(async () => {
    const p = (await clave('pool', '--json')) as Pool;
    return p.ready === 1 && p.booting === 0 ? p : null;
  });

/** The standbys on record (the host's lists hide them). */
function standbys(): string[] {
  const db = new Database(dataPaths(world.claveHome).database, { readonly: true });
  try {
    const rows = db.prepare('SELECT id FROM sessions WHERE standby IS NOT NULL').all();
    return (rows as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

async function vmNames(): Promise<string[]> {
  const vms = JSON.parse(await world.tart('list', '--source', 'local', '--format', 'json')) as {
    Name: string;
  }[];
  return vms.map((v) => v.Name);
}

beforeAll(async () => {
  world = await createSimWorld({ bootDelayMs: 300, sshdDelayMs: 100 });
  await provisionBase(world);
  hosts = new HostProcesses(world);
});

afterAll(async () => {
  await hosts?.stopAll();
  await world?.cleanup();
});

describe('warm start through the CLI', () => {
  it('start --json says warm; pool shows and sets; a crashed host’s standby goes at the next start', async () => {
    await hosts.start();
    // The test world starts with the pool off; turned on here, it stays on in settings.json.
    expect(await clave('pool', '--size', '1', '--json')).toMatchObject({ size: 1, ready: 0 });
    const project = world.project('warm-cli');
    const cold = (await clave('start', project, '--detach', '--json')) as { id: string };
    expect(cold).toMatchObject({ warm: false });
    const pool = await poolReady();
    expect(pool).toMatchObject({
      size: 1,
      maxVms: 4,
      ready: 1,
      booting: 0,
      vms: 2,
      standbys: [{ projectDir: project, state: 'ready' }],
      problem: null,
    });
    const [standby] = standbys();
    const listed = (await clave('sessions', '--json')) as { id: string }[];
    expect(listed.map((s) => s.id)).toEqual([cold.id]);

    const warm = (await clave('start', project, '--detach', '--json')) as { id: string };
    expect(warm).toMatchObject({ id: standby, warm: true, vm: `clave-${standby}` });
    await poolReady();
    const [next] = standbys();
    expect(next).not.toBe(standby);
    expect(await vmNames()).toContain(`clave-${next}`);

    // A crash: the next host re-attaches the two sessions and tears the standby down.
    await hosts.crash();
    await hosts.start();
    const after = (await clave('sessions', '--json')) as { id: string; state: string }[];
    expect(after.map((s) => [s.id, s.state]).sort()).toEqual(
      [
        [cold.id, 'running'],
        [warm.id, 'running'],
      ].sort(),
    );
    expect(standbys()).toEqual([]);
    expect(await vmNames()).not.toContain(`clave-${next}`);

    expect(await clave('pool', '--size', '0', '--json')).toMatchObject({
      size: 0,
      ready: 0,
      booting: 0,
    });
    for (const id of [cold.id, warm.id])
      await run(CLAVE_BIN, ['stop', id, '--on-exit=discard'], { env: world.env });
    expect(standbys()).toEqual([]);
    expect(await vmNames()).toEqual(['clave-base']);
  });
});
