// The doctor through the host's API on the simulated VM host: the real Tart and Herd adapters
// against the sim's tart and herd, services on the VM network's gateway, a base VM made and not.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../../shared/api';
import type { Client } from '../api/dispatch';
import { dataPaths } from '../config/paths';
import { loadSettings } from '../config/settings';
import { SettingsStore } from '../config/settings-store';
import { createHostRuntime, type HostRuntime } from '../compose';
import { createSimWorld, provisionBase, type SimWorld } from '../session/testing/sim-env';

const client: Client = { id: 'test', send: () => {}, onClose: () => {} };
const worlds: SimWorld[] = [];
const runtimes: HostRuntime[] = [];

afterAll(async () => {
  for (const r of runtimes) await r.shutdown();
  for (const w of worlds) await w.cleanup();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function runtimeIn(world: SimWorld, env = world.env): Promise<HostRuntime> {
  const paths = dataPaths(world.claveHome);
  const rt = await createHostRuntime({
    paths,
    settings: loadSettings(paths.settings, env),
    face: 'cli',
    env,
  });
  runtimes.push(rt);
  return rt;
}

async function doctorIn(
  world: SimWorld,
  env = world.env,
  runtime?: HostRuntime,
): Promise<Record<string, DoctorCheck>> {
  const rt = runtime ?? (await runtimeIn(world, env));
  const checks = (await rt.dispatch({ method: 'doctor.run', params: {} }, client)) as DoctorCheck[];
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe('doctor on the simulated host', () => {
  let world: SimWorld;
  let mysqlPort: number;
  let redisPort: number;
  beforeAll(async () => {
    world = await createSimWorld();
    worlds.push(world);
    // Ports of its own: other tests on this machine may run the sim's services on 3306/6379.
    [mysqlPort, redisPort] = [await freePort(), await freePort()];
    new SettingsStore(dataPaths(world.claveHome).settings, world.env).update({
      services: { mysqlPort, redisPort },
    });
  });

  it('lists every check, each failure with its fix; Linux is not a Mac but not a failure', async () => {
    const c = await doctorIn(world);
    expect(Object.keys(c)).toEqual([
      'host',
      'tart',
      'base-image',
      'claude-auth',
      'orchard',
      'herd',
      'services',
      'local-network',
      'disk',
      'dhcp',
    ]);
    expect(c.host).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^Not a Mac/) });
    expect(c.tart).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^tart 2\.35\.0 \(\/.*\/tart\)$/),
    });
    expect(c['base-image']).toMatchObject({
      status: 'fail',
      detail: 'clave-base does not exist',
      fix: expect.stringMatching(/^clave provision/),
    });
    expect(c['claude-auth']).toMatchObject({
      status: 'ok',
      detail: 'api-key from ANTHROPIC_API_KEY',
    });
    expect(c.orchard).toMatchObject({ status: 'skip' });
    expect(c.herd).toMatchObject({
      status: 'ok',
      detail: `herd at ${world.sim.herdBin}; sites end in .test`,
    });
    expect(c.services!.status).toBe('warn');
    expect(c.services!.detail).toContain(`MySQL (port ${mysqlPort}) does not answer on this Mac`);
    expect(c.services!.fix).toMatch(/Start MySQL in Herd/);
    expect(c['local-network']!.status).toBe('skip');
    expect(c.disk!.detail).toMatch(/GB free for .*tart/);
    expect(c.dhcp!.status).toBe('skip');
    for (const check of Object.values(c))
      if (check.status === 'fail' || check.status === 'warn') expect(check.fix).toBeTruthy();
  });

  it('sees the base VM once it exists, and the services where the VMs reach them', async () => {
    await provisionBase(world);
    const services = await world.sim.startServices({ mysql: mysqlPort, redis: redisPort });
    try {
      const c = await doctorIn(world);
      expect(c['base-image']).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(/^clave-base is provisioned/),
      });
      expect(c.services).toMatchObject({
        status: 'ok',
        detail: `MySQL (port ${mysqlPort}) answers at 192.168.64.1, where the VMs connect. Redis (port ${redisPort}) answers at 192.168.64.1, where the VMs connect.`,
      });
    } finally {
      await services.close();
    }
  });

  it('fails MySQL bound to 127.0.0.1 while the VM network exists', async () => {
    const redis = await world.sim.startServices({ redis: redisPort }); // keeps the bridge up
    const loopbackOnly = net.createServer((s) => s.end());
    await new Promise<void>((r) => loopbackOnly.listen(mysqlPort, '127.0.0.1', r));
    try {
      const c = await doctorIn(world);
      expect(c.services!.status).toBe('fail');
      expect(c.services!.detail).toContain(`MySQL (port ${mysqlPort}) listens on 127.0.0.1 only`);
      expect(c.services!.fix).toMatch(/bind-address = 0\.0\.0\.0/);
    } finally {
      loopbackOnly.close();
      await redis.close();
    }
  });

  it('warns about a tart from the frozen tap’s era and a missing Herd', async () => {
    const noHerd = await createSimWorld({ herd: false });
    worlds.push(noHerd);
    const c = await doctorIn(noHerd, { ...noHerd.env, TART_SIM_VERSION: '2.32.1' });
    expect(c.tart).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/brew install openai\/tools\/tart/),
    });
    expect(c.herd).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/herd\.laravel\.com/),
    });
  });

  it('asks from inside a running session’s VM when there is one', async () => {
    const rt = await runtimeIn(world);
    const session = await rt.host.start({ projectDir: world.project('doctor-app'), wait: true });
    const services = await world.sim.startServices({ mysql: mysqlPort, redis: redisPort });
    try {
      const c = await doctorIn(world, world.env, rt);
      expect(c.services).toMatchObject({
        status: 'ok',
        detail: `MySQL (port ${mysqlPort}) answers at 192.168.64.1 from inside a running session VM. Redis (port ${redisPort}) answers at 192.168.64.1 from inside a running session VM.`,
      });
      await services.close();
      const after = await doctorIn(world, world.env, rt);
      expect(after.services!.status).toBe('warn');
      expect(after.services!.detail).toContain(
        `MySQL (port ${mysqlPort}) does not answer at 192.168.64.1 from inside a running session VM`,
      );
    } finally {
      await services.close();
      await rt.host.stop(session.id, 'discard', true);
    }
  });
});
