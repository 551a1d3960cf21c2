// `clave cleanup` removes only what Clave made: a person's own Herd proxies and Tart VMs, however
// they are named, survive it while a session runs and after the host crashed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxies } from '../../host/herd';
import { HostProcesses } from '../testing/host-process';
import { createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';

let world: SimWorld;
let hosts: HostProcesses;

/** The user's own things, named like Clave's (`-` + 8 letters) and pointing into Clave's ports. */
const USER_PROXIES = {
  'shop-frontend': 'http://127.0.0.1:8090',
  'api-services': 'http://127.0.0.1:3000',
};
const USER_VM = 'clave-mybackup';

async function proxies(): Promise<Record<string, string>> {
  const rows = parseProxies(await world.herd('proxies'));
  return Object.fromEntries(rows.map((p) => [p.site, p.target]));
}

async function vms(): Promise<string[]> {
  const list = JSON.parse(await world.tart('list', '--source', 'local', '--format', 'json')) as {
    Name: string;
  }[];
  return list.map((v) => v.Name);
}

async function expectUserItemsIntact() {
  expect(await proxies()).toMatchObject(USER_PROXIES);
  expect(await vms()).toContain(USER_VM);
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  hosts = new HostProcesses(world);
  for (const [name, target] of Object.entries(USER_PROXIES))
    await world.herd('proxy', name, target);
  await world.tart('clone', 'clave-base', USER_VM);
});

afterAll(async () => {
  await hosts.stopAll();
  await world.cleanup();
});

describe('cleanup and the user’s own proxies and VMs', () => {
  it('leaves them alone while a session runs and after a crash', async () => {
    const first = await hosts.start();
    const s = await first.api.call('sessions.start', {
      projectDir: world.project('users-own'),
      wait: true,
    });
    await first.api.call('sessions.cleanup', { dryRun: false });
    await expectUserItemsIntact();
    // The running session's own VM and proxy are not orphans either.
    expect(await vms()).toContain(s.vmName);
    expect(Object.keys(await proxies())).toContain(s.proxyName);

    await hosts.crash();
    const second = await hosts.start();
    await second.api.call('sessions.cleanup', { dryRun: false });
    await expectUserItemsIntact();

    const stop = await second.api.call('sessions.stop', {
      id: s.id,
      onExit: 'discard',
      force: true,
    });
    expect(stop.teardownProblems).toEqual([]);
    await second.api.call('sessions.cleanup', { dryRun: false });
    await expectUserItemsIntact();
    expect(await vms()).not.toContain(s.vmName);
    expect(Object.keys(await proxies())).not.toContain(s.proxyName);
    second.end();
  });

  it('a session proxy its owner re-pointed after a crash survives the teardown and cleanup', async () => {
    const first = await hosts.start();
    const s = await first.api.call('sessions.start', {
      projectDir: world.project('repointed'),
      wait: true,
    });
    await hosts.crash();
    // While no host runs, the VM dies and the person points the name at their own server.
    world.sim.crashVm(s.vmName!, 'kill');
    for (let i = 0; i < 100 && world.sim.runningVMs().includes(s.vmName!); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(world.sim.runningVMs()).not.toContain(s.vmName);
    await world.herd('proxy', s.proxyName!, 'http://192.168.1.50:8080');

    const second = await hosts.start();
    expect(await second.api.call('sessions.get', { id: s.id })).toMatchObject({ state: 'kept' });
    expect((await proxies())[s.proxyName!]).toBe('http://192.168.1.50:8080');
    const dry = await second.api.call('sessions.cleanup', { dryRun: true });
    expect(dry.items.find((i) => i.name === s.proxyName)).toMatchObject({
      action: 'keep',
      reason: expect.stringMatching(/it now points at http:\/\/192\.168\.1\.50:8080/),
    });
    await second.api.call('sessions.cleanup', { dryRun: false });
    expect((await proxies())[s.proxyName!]).toBe('http://192.168.1.50:8080');
    await expectUserItemsIntact();
    await second.api.call('sessions.stop', { id: s.id, onExit: 'discard', force: true });
    expect((await proxies())[s.proxyName!]).toBe('http://192.168.1.50:8080');
    second.end();
  });

  it('re-attaching after a crash does not take back a proxy its owner re-pointed', async () => {
    const first = await hosts.start();
    const s = await first.api.call('sessions.start', {
      projectDir: world.project('reattach-repointed'),
      wait: true,
    });
    await hosts.crash();
    await world.herd('proxy', s.proxyName!, 'http://192.168.1.51:8080');

    const second = await hosts.start();
    const after = await second.api.call('sessions.get', { id: s.id });
    expect(after).toMatchObject({ state: 'running', proxyName: null });
    expect(after.url).toBe(`http://127.0.0.1:${after.tunnelPort}`);
    expect((await proxies())[s.proxyName!]).toBe('http://192.168.1.51:8080');
    await second.api.call('sessions.stop', { id: s.id, onExit: 'discard', force: true });
    await second.api.call('sessions.cleanup', { dryRun: false });
    expect((await proxies())[s.proxyName!]).toBe('http://192.168.1.51:8080');
    second.end();
  });
});
