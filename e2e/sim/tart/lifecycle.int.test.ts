// `tart run` and friends on the simulated host: foreground life, signals, states, exit codes, and
// that stop removes everything a run created (namespaces, interface, processes, run state).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simSettings } from '../config';
import { createSimHost, type SimHost } from '../harness';
import { leftovers } from '../leaks';
import { sshConnect, sshExec } from '../ssh';
import { isAlive, sleep } from '../util/proc';
import { bootVM, startRun } from '../vm';
import { allStates } from './runtime';

function port22(ip: string): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const s = connect(22, ip);
    s.once('connect', () => (s.destroy(), resolve('open')));
    s.once('error', () => resolve('refused'));
  });
}

describe('tart run lifecycle', () => {
  let sim: SimHost;
  beforeAll(async () => {
    sim = await createSimHost();
  });
  afterAll(async () => {
    await sim?.cleanup();
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('stays in the foreground; running state, refusals, then SIGINT stops it and cleans up', async () => {
    const vm = await bootVM(sim, 'life-a');
    const get = JSON.parse((await sim.tart(['get', 'life-a', '--format', 'json'])).stdout);
    expect(get).toMatchObject({ Running: true, State: 'running' });
    const list = JSON.parse((await sim.tart(['list', '--format', 'json'])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(list.find((v) => v.Name === 'life-a')).toMatchObject({
      Source: 'local',
      Running: true,
      State: 'running',
    });

    expect(await sim.tart(['run', 'life-a', '--no-graphics'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'VM "life-a" is already running!\n',
    });
    expect(await sim.tart(['delete', 'life-a'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'VM "life-a" is running\n',
    });

    // What this run created on the host.
    const st = allStates(simSettings()).find(
      (x) => x.vmName === 'life-a' && x.tartHome === sim.tartHome,
    );
    expect(st?.veth && existsSync(`/sys/class/net/${st.veth}`)).toBe(true);
    expect(isAlive(st?.guest)).toBe(true);

    vm.child.kill('SIGINT');
    expect(await vm.exited).toBe(0);
    expect(vm.stdout()).toBe('Stopping VM...\n');
    expect(existsSync(`/sys/class/net/${st?.veth}`)).toBe(false);
    expect(isAlive(st?.guest)).toBe(false);
    expect(isAlive(st?.unshare)).toBe(false);
    expect(existsSync(join(simSettings().runDir, 'vms', st?.runId ?? 'x'))).toBe(false);
    expect(
      JSON.parse((await sim.tart(['get', 'life-a', '--format', 'json'])).stdout),
    ).toMatchObject({
      Running: false,
      State: 'stopped',
    });
    // The simulator expires the lease when the VM stops.
    expect(await sim.tart(['ip', 'life-a'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'no IP address found, is your VM running?\n',
    });
    expect(await sim.tart(['stop', 'life-a'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'VM "life-a" is not running\n',
    });
  });

  it('exits 0 when the guest powers off (sudo poweroff), and on SIGUSR2', async () => {
    const a = await bootVM(sim, 'life-b');
    const c = await sshConnect(a.ip);
    await sshExec(c, 'sudo poweroff');
    c.end();
    expect(await a.exited).toBe(0);
    expect(a.stdout()).toBe('guest has stopped the virtual machine\n');

    const b = startRun(sim, 'life-b');
    expect((await sim.tart(['ip', 'life-b', '--wait', '20'])).code).toBe(0);
    b.child.kill('SIGUSR2');
    expect(await b.exited).toBe(0);
    expect(b.stdout()).toBe(
      'Requesting guest OS to stop...\nguest has stopped the virtual machine\n',
    );
    expect(b.stderr()).toBe('');
  });

  it('has no SIGTERM handler: the process dies, the guest with it, and the next tart command collects the rest', async () => {
    const vm = await bootVM(sim, 'life-c');
    const st = allStates(simSettings()).find(
      (x) => x.vmName === 'life-c' && x.tartHome === sim.tartHome,
    );
    vm.child.kill('SIGTERM');
    expect(await vm.exited).toBe('SIGTERM');
    for (let i = 0; i < 50 && isAlive(st?.guest); i++) await sleep(20);
    expect(isAlive(st?.guest)).toBe(false);
    const list = JSON.parse((await sim.tart(['list', '--format', 'json'])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(list.find((v) => v.Name === 'life-c')).toMatchObject({
      Running: false,
      State: 'stopped',
    });
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('tart exec runs a command as admin and passes its exit code through', async () => {
    const vm = await bootVM(sim, 'life-x');
    expect(await sim.tart(['exec', 'life-x', 'id', '-un'])).toEqual({
      code: 0,
      stdout: 'admin\n',
      stderr: '',
    });
    expect((await sim.tart(['exec', 'life-x', 'sh', '-c', 'echo oops >&2; exit 7'])).code).toBe(7);
    vm.child.kill('SIGINT');
    expect(await vm.exited).toBe(0);
    expect(await sim.tart(['exec', 'life-x', 'true'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'VM "life-x" is not running\n',
    });
  });

  it('tart stop sends SIGINT and waits; the run exits 0', async () => {
    const vm = await bootVM(sim, 'life-d');
    const stop = await sim.tart(['stop', 'life-d', '--timeout', '10']);
    expect(stop).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await vm.exited).toBe(0);
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('prints no IP until the guest has booted, and sshd comes up after the IP', async () => {
    sim.setFaults('slow-boot@life-e=800,sshd-late@life-e=600');
    await sim.tart(['clone', 'ghcr.io/cirruslabs/ubuntu:latest', 'life-e']);
    const r = startRun(sim, 'life-e');
    await sleep(300);
    expect(await sim.tart(['ip', 'life-e'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'no IP address found\n',
    });
    const ip = (await sim.tart(['ip', 'life-e', '--wait', '10'])).stdout.trim();
    expect(ip).toMatch(/^192\.168\.64\.\d+$/);
    expect(await port22(ip)).toBe('refused');
    const c = await sshConnect(ip);
    expect((await sshExec(c, 'hostname')).stdout).toBe('ubuntu\n');
    c.end();
    sim.clearFaults();
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
  });

  it('resets a duplicate MAC at start, like Tart', async () => {
    const a = await bootVM(sim, 'mac-a');
    await sim.tart(['clone', 'ghcr.io/cirruslabs/ubuntu:latest', 'mac-b']);
    const cfgA = JSON.parse(readFileSync(join(sim.tartHome, 'vms/mac-a/config.json'), 'utf8'));
    const pathB = join(sim.tartHome, 'vms/mac-b/config.json');
    const cfgB = JSON.parse(readFileSync(pathB, 'utf8'));
    writeFileSync(pathB, JSON.stringify({ ...cfgB, macAddress: cfgA.macAddress }));
    const b = startRun(sim, 'mac-b');
    // `tart ip` reads the MAC once: asked before the reset, it would find mac-a's lease (Tart too).
    for (let i = 0; i < 200 && !b.stdout().includes('Resetting VM'); i++) await sleep(25);
    const ipB = (await sim.tart(['ip', 'mac-b', '--wait', '10'])).stdout.trim();
    expect(b.stdout()).toBe(
      'There is already a running VM with the same MAC address!\nResetting VM to assign a new MAC address...\n',
    );
    expect(ipB).not.toBe(a.ip);
    expect(JSON.parse(readFileSync(pathB, 'utf8')).macAddress).not.toBe(cfgA.macAddress);
    a.child.kill('SIGINT');
    b.child.kill('SIGINT');
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
  });
});
