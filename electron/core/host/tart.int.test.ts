// The tart adapter against the simulated Mac (e2e/sim): a real `tart` CLI stand-in that honours
// contracts/tart.md, with VMs that are network namespaces running sshd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSimHost, type SimHost } from '../../../e2e/sim/harness';
import { connectSsh } from './ssh';
import { Tart, TartError, type RunHandle } from './tart';
import { localTartRuntime, toVmInstance } from '../vm/local-tart/runtime';
import { waitForEndpoint } from '../vm/wait';

const IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';
let sim: SimHost;
let tart: Tart;
const handles: RunHandle[] = [];

beforeAll(async () => {
  sim = await createSimHost();
  tart = new Tart({ logDir: path.join(sim.root, 'logs'), env: sim.processEnv() });
});

afterAll(async () => {
  for (const h of handles)
    if (h.running) await tart.stop(h.name, { timeoutSeconds: 5 }).catch(() => undefined);
  await sim?.cleanup();
});

async function expectTartError(promise: Promise<unknown>, code: string): Promise<TartError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TartError);
  expect((error as TartError).code).toBe(code);
  expect((error as TartError).fix.length).toBeGreaterThan(0);
  return error as TartError;
}

/** The VM seam's "wait for an address unless the VM died", over this adapter. */
async function waitForIp(handle: RunHandle, waitSeconds: number): Promise<string> {
  const vm = toVmInstance(handle);
  return (await waitForEndpoint(localTartRuntime(tart), vm, 22, { waitSeconds })).host;
}

async function boot(name: string): Promise<{ handle: RunHandle; ip: string }> {
  if (!(await tart.exists(name))) await tart.clone(IMAGE, name);
  const handle = await tart.run(name);
  handles.push(handle);
  return { handle, ip: await waitForIp(handle, 30) };
}

describe('tart on the simulated host', () => {
  it('reports its version', async () => {
    expect(await tart.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('clones from the registry with plain progress lines, lists, gets and configures', async () => {
    const progress: string[] = [];
    await tart.clone(IMAGE, 'clave-t1', { onProgress: (l) => progress.push(l) });
    expect(progress.join('\n')).toMatch(/pulling/);
    // CI=1: no ANSI cursor movement in what we parse.
    expect(progress.join('')).not.toContain('\x1b[');
    await tart.set('clave-t1', { randomMac: true });
    await tart.set('clave-t1', { cpu: 2, memoryMb: 2048, diskSizeGb: 30 });
    expect(await tart.get('clave-t1')).toMatchObject({
      os: 'linux',
      cpu: 2,
      memoryMb: 2048,
      diskGb: 30,
      running: false,
      state: 'stopped',
    });
    const list = await tart.list();
    expect(list.find((v) => v.name === 'clave-t1')).toMatchObject({
      source: 'local',
      running: false,
      state: 'stopped',
    });
    expect(list.every((v) => v.source === 'local')).toBe(true);
    expect(await tart.exists('clave-t1')).toBe(true);
    expect(await tart.exists('clave-nope')).toBe(false);
  });

  it('runs a VM detached with its output in a log, gives its IP, and stops it', async () => {
    const { handle, ip } = await boot('clave-t2');
    expect(ip).toMatch(/^192\.168\.64\.\d+$/);
    expect(handle.running).toBe(true);
    expect(handle.logPath).toBe(path.join(sim.root, 'logs', 'clave-t2.log'));
    // Detached: its own process group, output going to the log file, not to pipes of ours.
    const pgid = Number(
      execFileSync('ps', ['-o', 'pgid=', '-p', String(handle.pid)], { encoding: 'utf8' }).trim(),
    );
    expect(pgid).toBe(handle.pid);
    expect(readlinkSync(`/proc/${handle.pid}/fd/1`)).toBe(handle.logPath);
    expect((await tart.get('clave-t2')).state).toBe('running');
    // The IP can appear before sshd: connect with retry, as the session will.
    // Default login: the image's admin/admin.
    const ssh = await connectSsh({ host: ip, deadlineMs: 20_000, retryDelayMs: 200 });
    expect((await ssh.exec('whoami')).stdout.trim()).toBe('admin');
    await ssh.close();

    expect(await tart.stop('clave-t2', { timeoutSeconds: 10 })).toBe('stopped');
    const exit = await handle.exited;
    expect(exit).toMatchObject({ code: 0, error: null });
    expect(handle.running).toBe(false);
    expect(await tart.stop('clave-t2')).toBe('was-not-running');
    await tart.delete('clave-t2');
    expect(await tart.exists('clave-t2')).toBe(false);
  });

  it('keeps the VM running after the process that started it has exited', async () => {
    await tart.clone(IMAGE, 'clave-t3');
    const script = path.join(sim.root, 'start-vm.mts');
    writeFileSync(
      script,
      `import { Tart } from ${JSON.stringify(path.resolve('electron/core/host/tart/index.ts'))};
const tart = new Tart({ logDir: ${JSON.stringify(path.join(sim.root, 'logs'))} });
const h = await tart.run('clave-t3');
console.log(h.pid);
process.exit(0);
`,
    );
    const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');
    const pid = Number(
      execFileSync(process.execPath, [tsx, script], {
        env: sim.processEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      }).trim(),
    );
    expect(pid).toBeGreaterThan(0);
    const ip = await tart.ip('clave-t3', { waitSeconds: 30 });
    expect(ip).toMatch(/^192\.168\.64\./);
    expect((await tart.get('clave-t3')).running).toBe(true);
    expect(await tart.stop('clave-t3', { timeoutSeconds: 10 })).toBe('stopped');
    expect(readFileSync(tart.runLogPath('clave-t3'), 'utf8')).toContain(
      'tart run clave-t3 --no-graphics',
    );
  });

  it('reports VMs that do not exist', async () => {
    await expectTartError(tart.get('clave-ghost'), 'tart.vm-missing');
    await expectTartError(tart.delete('clave-ghost'), 'tart.vm-missing');
    await expectTartError(tart.stop('clave-ghost'), 'tart.vm-missing');
    await expectTartError(tart.rename('clave-ghost', 'clave-ghost2'), 'tart.vm-missing');
    await expectTartError(tart.ip('clave-ghost'), 'tart.vm-missing');
    await expectTartError(tart.clone('clave-ghost', 'clave-ghost3'), 'tart.vm-missing');
    const handle = await tart.run('clave-ghost');
    const started = Date.now();
    await expectTartError(waitForIp(handle, 30), 'tart.vm-missing');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses to delete a running VM and to rename onto an existing one', async () => {
    await boot('clave-t4');
    await expectTartError(tart.delete('clave-t4'), 'tart.vm-running');
    await tart.clone(IMAGE, 'clave-t5');
    await tart.stop('clave-t4', { timeoutSeconds: 10 });
    await expectTartError(tart.rename('clave-t4', 'clave-t5'), 'tart.vm-exists');
    await tart.rename('clave-t5', 'clave-t6');
    expect(await tart.exists('clave-t6')).toBe(true);
  });

  it('says "disk full" when the clone runs out of space', async () => {
    sim.setFaults('clone-disk-full');
    try {
      const error = await expectTartError(tart.clone(IMAGE, 'clave-full'), 'tart.disk-full');
      expect(error.fix).toMatch(/disk space/);
    } finally {
      sim.clearFaults();
    }
    expect(await tart.exists('clave-full')).toBe(false);
  });

  it('says "no IP" when the guest never gets a lease', async () => {
    sim.setFaults('no-ip@clave-noip');
    try {
      const { handle } = await (async () => {
        await tart.clone(IMAGE, 'clave-noip');
        const h = await tart.run('clave-noip');
        handles.push(h);
        return { handle: h };
      })();
      const error = await expectTartError(waitForIp(handle, 2), 'tart.no-ip');
      expect(error.why).toContain('2 s');
      await tart.stop('clave-noip', { timeoutSeconds: 10 });
    } finally {
      sim.clearFaults();
    }
  });

  it('fails fast with "VM limit" when macOS refuses another VM', async () => {
    // Every VM of the earlier tests has been stopped; otherwise the limit below would hit them.
    expect(sim.runningVMs()).toEqual([]);
    sim.setFaults('vm-limit=1');
    try {
      await boot('clave-lim1');
      await tart.clone(IMAGE, 'clave-lim2');
      const second = await tart.run('clave-lim2');
      handles.push(second);
      const started = Date.now();
      const error = await expectTartError(waitForIp(second, 30), 'tart.vm-limit');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error.fix).toMatch(/Stop another/);
      expect((await second.exited).error?.code).toBe('tart.vm-limit');
      await tart.stop('clave-lim1', { timeoutSeconds: 10 });
    } finally {
      sim.clearFaults();
    }
  });

  it('fails fast, with tart’s reason, when the VM cannot start', async () => {
    sim.setFaults('run-start-fail@clave-nostart');
    try {
      await tart.clone(IMAGE, 'clave-nostart');
      const handle = await tart.run('clave-nostart');
      const started = Date.now();
      const error = await expectTartError(waitForIp(handle, 30), 'tart.vm-exited');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error.why).toMatch(/exited with 1.*failed to start/);
      expect(error.fix).toContain(handle.logPath);
    } finally {
      sim.clearFaults();
    }
  });

  it('says tart’s own reason, not its “Failed to perform garbage collection” line (Root.swift)', async () => {
    sim.setFaults('gc-fail\nrun-start-fail@clave-gcfail');
    try {
      expect(Array.isArray(await tart.list())).toBe(true);
      await tart.clone(IMAGE, 'clave-gcfail');
      const shrink = await expectTartError(
        tart.set('clave-gcfail', { diskSizeGb: 1 }),
        'tart.failed',
      );
      expect(shrink.why).toMatch(/should be larger than the current disk size/);
      expect(shrink.detail).toContain('Failed to perform garbage collection');
      const handle = await tart.run('clave-gcfail');
      const error = await expectTartError(waitForIp(handle, 30), 'tart.vm-exited');
      expect(error.why).toMatch(/exited with 1.*failed to start/);
    } finally {
      sim.clearFaults();
    }
  });

  it('notices a VM that crashes after booting', async () => {
    const { handle } = await boot('clave-crash');
    sim.crashVm('clave-crash', 'error');
    const exit = await handle.exited;
    expect(exit.error?.code).toBe('tart.vm-exited');
    expect(exit.error?.what).toMatch(/crashed/);
    expect(await handle.readLog()).toMatch(/guest has stopped the virtual machine due to error/);
  });

  it('says tart is not installed when it is not on PATH', async () => {
    const bare = new Tart({
      logDir: sim.root,
      env: { ...sim.processEnv(), PATH: '/usr/bin:/bin', SHELL: '' },
    });
    await expectTartError(bare.list(), 'tart.not-installed');
  });
});
