// Every documented fault, switched on through the control file the way a product test would.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimHost, type SimHost } from './harness';
import { leftovers } from './leaks';
import { sshConnect, sshExec } from './ssh';
import { sleep } from './util/proc';
import { bootVM, startRun } from './vm';

const IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';

function port22(ip: string): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const s = connect(22, ip);
    s.once('connect', () => (s.destroy(), resolve('open')));
    s.once('error', () => resolve('refused'));
  });
}

describe('fault injection', () => {
  let sim: SimHost;
  let n = 0;
  const name = (p: string) => `${p}-${++n}`;

  beforeAll(async () => {
    sim = await createSimHost();
    expect((await sim.tart(['pull', IMAGE])).code).toBe(0);
  });
  afterEach(async () => {
    sim.clearFaults();
    // Stop whatever a test left running.
    await Promise.all(sim.runningVMs().map((vm) => sim.tart(['stop', vm, '--timeout', '5'])));
  });
  afterAll(async () => {
    await sim?.cleanup();
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('no-ip: the VM runs but `tart ip` never answers', async () => {
    const vm = name('noip');
    sim.setFaults(`no-ip@${vm}`);
    await sim.tart(['clone', IMAGE, vm]);
    const r = startRun(sim, vm);
    const ip = await sim.tart(['ip', vm, '--wait', '1']);
    expect(ip).toEqual({ code: 1, stdout: '', stderr: 'no IP address found\n' });
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
  });

  it('slow-boot: the lease appears only after the given delay', async () => {
    const vm = name('slow');
    sim.setFaults(`slow-boot@${vm}=1500`);
    await sim.tart(['clone', IMAGE, vm]);
    const t0 = Date.now();
    startRun(sim, vm);
    expect((await sim.tart(['ip', vm, '--wait', '10'])).code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
  });

  it('sshd-refuse and sshd-auth-fail', async () => {
    const a = name('refuse');
    const b = name('auth');
    sim.setFaults(`sshd-refuse@${a}\nsshd-auth-fail@${b}`);
    const [va, vb] = await Promise.all([bootVM(sim, a), bootVM(sim, b)]);
    await sleep(800);
    expect(await port22(va.ip)).toBe('refused');
    expect(await port22(vb.ip)).toBe('open');
    await expect(sshConnect(vb.ip, { timeoutMs: 3000 })).rejects.toThrow(/authentication/i);
  });

  it('mount-fail=2: the first two virtiofs mounts fail, the third works', async () => {
    const vm = name('mount');
    const share = mkdtempSync(join(sim.root, 'share-'));
    writeFileSync(join(share, 'f'), 'x');
    sim.setFaults(`mount-fail@${vm}=2`);
    const v = await bootVM(sim, vm, { runArgs: [`--dir=${share}`] });
    const c = await sshConnect(v.ip);
    const mount = () =>
      sshExec(c, 'sudo mount -t virtiofs com.apple.virtio-fs.automount /srv/project');
    expect((await mount()).code).toBe(32);
    expect((await mount()).code).toBe(32);
    expect(await mount()).toMatchObject({ code: 0, stderr: '' });
    expect((await sshExec(c, 'cat /srv/project/f')).stdout).toBe('x');
    c.end();
  });

  it('clone-disk-full: clone fails and leaves no VM; switching the fault off at runtime fixes it', async () => {
    const vm = name('full');
    sim.setFaults('clone-disk-full');
    const r = await sim.tart(['clone', IMAGE, vm]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*No space left on device/);
    expect(existsSync(join(sim.tartHome, 'vms', vm))).toBe(false);
    sim.clearFaults();
    expect((await sim.tart(['clone', IMAGE, vm])).code).toBe(0);
  });

  it('pull-fail: an image that is not cached cannot be pulled', async () => {
    sim.setFaults('pull-fail');
    const r = await sim.tart(['clone', 'ghcr.io/cirruslabs/ubuntu:22.04', name('pull')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: failed to pull/);
  });

  it('run-crash: the VM stops with a Virtualization error; tart run still exits 0', async () => {
    const vm = name('crash');
    sim.setFaults(`run-crash@${vm}=200`);
    const v = await bootVM(sim, vm);
    expect(await v.exited).toBe(0);
    expect(v.stdout()).toMatch(/^guest has stopped the virtual machine due to error: /);
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('run-abort: tart run dies abruptly; the next tart command collects what it left', async () => {
    const vm = name('abort');
    sim.setFaults(`run-abort@${vm}=200`);
    const v = await bootVM(sim, vm);
    expect(await v.exited).toBe('SIGKILL');
    await sleep(300); // the guest notices its host process is gone
    expect(JSON.parse((await sim.tart(['get', vm, '--format', 'json'])).stdout).State).toBe(
      'stopped',
    );
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('run-abort: until collected, the dead run is a leftover of every TART_HOME but, with ownOnly, only of its own', async () => {
    const other = await createSimHost();
    try {
      const vm = name('abort-own');
      sim.setFaults(`run-abort@${vm}=200`);
      const v = await bootVM(sim, vm);
      expect(await v.exited).toBe('SIGKILL');
      // No tart command has run since, so nothing has collected the dead run yet.
      const dead = (l: string) => l.startsWith(`run state of ${vm} `);
      expect(leftovers(sim.tartHome, { ownOnly: true }).some(dead)).toBe(true);
      expect(leftovers(other.tartHome).some(dead)).toBe(true);
      expect(leftovers(other.tartHome, { ownOnly: true })).toEqual([]);
    } finally {
      await other.cleanup();
    }
    await sim.tart(['list']);
    expect(leftovers(sim.tartHome)).toEqual([]);
  });

  it('crashVm(): the harness makes a running VM fail on demand', async () => {
    const vm = name('oncall');
    const v = await bootVM(sim, vm);
    sim.crashVm(vm, 'error');
    expect(await v.exited).toBe(0);
    expect(v.stdout()).toContain('guest has stopped the virtual machine due to error');
  });

  it('run-start-fail: the VM does not start (exit 1)', async () => {
    const vm = name('nostart');
    sim.setFaults(`run-start-fail@${vm}`);
    await sim.tart(['clone', IMAGE, vm]);
    const r = startRun(sim, vm);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toContain('Error Domain=VZErrorDomain');
  });

  it('vm-limit: past the limit tart run fails like Apple’s limit', async () => {
    const a = name('lim');
    const b = name('lim');
    sim.setFaults('vm-limit=1');
    await bootVM(sim, a);
    await sim.tart(['clone', IMAGE, b]);
    const r = startRun(sim, b);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toBe(
      `The number of VMs exceeds the system limit (other running VMs: ${a})\n`,
    );
  });

  it('herd-fail: every herd command fails', async () => {
    sim.setFaults('herd-fail');
    const r = await sim.herd(['proxy', 'x', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Herd is not running');
  });

  it('rejects a misspelt fault instead of ignoring it', async () => {
    sim.setFaults('no-ip');
    writeFileSync(sim.faultsFile, 'no-ipp\n');
    const r = await sim.tart(['clone', IMAGE, name('typo')]);
    expect(r.code).toBe(70);
    expect(r.stderr).toContain("unknown fault 'no-ipp'");
  });
});
