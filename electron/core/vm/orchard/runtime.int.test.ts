// The Orchard runtime against the simulated controller (e2e/sim/orchard): its workers run real
// simulated guests (sshd, a web server on :80) with no shares. One controller for this file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimOrchard, type SimOrchard } from '../../../../e2e/sim/orchard/testing';
import { Settings } from '../../../../shared/settings';
import { connectSsh, type SshConnection } from '../../host/ssh';
import type { CodeSync } from '../code-sync';
import type { VmRuntime } from '../runtime';
import { waitForEndpoint } from '../wait';
import type { OrchardCredentials } from './client';
import { orchardRuntime } from './runtime';

const IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';
const settings = Settings.parse({ vm: { cpus: 2, memoryMb: 2048 } });
/** These tests give the VMs no project folder: a CodeSync that is called is a bug. */
const noCodeSync: CodeSync = {
  push: () => Promise.reject(new Error('no code sync in this test')),
  collect: () => Promise.reject(new Error('no code sync in this test')),
};

let orchard: SimOrchard;
let logDir: string;
let credentials: OrchardCredentials;
let runtime: VmRuntime;
let n = 0;
const vmName = () => `clave-t-${process.pid}-${++n}`;

beforeAll(async () => {
  orchard = await startSimOrchard({
    workerOfflineTimeoutMs: 1000,
    // As the README's minimal account would be: no compute:read, which reading VMs needs.
    extraAccounts: [
      { name: 'writer', token: 'writer-tok', roles: ['compute:write', 'compute:connect'] },
    ],
  });
  logDir = mkdtempSync(path.join(os.tmpdir(), 'clave-orchard-'));
  credentials = {
    url: orchard.url,
    serviceAccount: orchard.account!.name,
    token: orchard.account!.token,
  };
  runtime = orchardRuntime(settings, credentials, { logDir, codeSync: noCodeSync });
}, 60_000);

afterAll(async () => {
  await orchard?.stop();
  rmSync(logDir, { recursive: true, force: true });
}, 90_000);

async function boot(name: string, r = runtime) {
  await r.clone(IMAGE, name);
  await r.configure(name, { cpus: 2, memoryMb: 2048 });
  return r.start(name, { folders: [] });
}

async function sshVia(name: string, vm: Awaited<ReturnType<typeof boot>>): Promise<SshConnection> {
  const at = await waitForEndpoint(runtime, vm, 22, { waitSeconds: 90 });
  expect(at.host).toBe('127.0.0.1');
  return connectSsh({ host: at.host, port: at.port, deadlineMs: 60_000 });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const disks = async () => (await orchard.state()).workers.flatMap((w) => w.disks);

describe('the Orchard runtime', () => {
  it('starts a VM on a worker, reaches ssh and the site through port-forwards, and deletes it', async () => {
    const name = vmName();
    const vm = await boot(name);
    expect(vm.pid).toBeUndefined();
    expect(await runtime.exists(name)).toBe(true);
    const ssh = await sshVia(name, vm);
    try {
      expect(vm.worker).toMatch(/^mac-mini-\d$/);
      expect((await runtime.list()).find((v) => v.name === name)).toEqual({ name, running: true });
      const r = await ssh.exec('echo "$(whoami) on $(hostname)"');
      expect(r.stdout.trim()).toMatch(/^admin on /);
      // The guest's web server serves /srv/project/public: put a page there and ask for it.
      const page = `orchard-${name}`;
      const put = await ssh.exec(
        `sudo -n mkdir -p /srv/project/public && echo ${page} | sudo -n tee /srv/project/public/index.html >/dev/null`,
      );
      expect(put.code).toBe(0);
      const server = net.createServer();
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      const tunnel = await runtime.forwardPort(ssh, { server, guestPort: 80 });
      try {
        const res = await fetch(`${tunnel.url}/index.html`);
        expect(await res.text()).toContain(page);
      } finally {
        await tunnel.close();
      }
    } finally {
      await ssh.close();
    }
    await runtime.delete(name);
    expect((await vm.exited).error).toBeNull();
    expect(await runtime.exists(name)).toBe(false);
    expect((await orchard.state()).vms.map((v) => v.name)).not.toContain(name);
    await until('the worker to delete its tart VM', async () =>
      (await disks()).some((d) => d.includes(name)) ? undefined : true,
    );
    // The log says what happened to the VM, and never the token.
    const log = readFileSync(vm.logFile, 'utf8');
    expect(log).toMatch(/status running on mac-mini-\d/);
    expect(log).not.toContain(credentials.token);
  }, 240_000);

  it('waits past the boot timeout while a worker pulls the image; not for a VM no worker takes', async () => {
    // One worker that takes 4 s to pull an image it has not run: longer than the 2 s boot wait.
    const pulling = await startSimOrchard({ sim: orchard.sim, workers: 1, pullMs: 4000 });
    const creds = { url: pulling.url, serviceAccount: 'clave', token: pulling.account!.token };
    try {
      const slow = orchardRuntime(settings, creds, { logDir, codeSync: noCodeSync });
      const name = vmName();
      await slow.clone(IMAGE, name);
      const vm = await slow.start(name, { folders: [] });
      // What the worker says while it pulls reaches whoever follows the VM (the boot step's hint).
      const said: string[] = [];
      const quiet = vm.onStatus!((status) => said.push(status));
      const at = await waitForEndpoint(slow, vm, 22, { waitSeconds: 2 });
      quiet();
      expect(at.host).toBe('127.0.0.1');
      expect(vm.worker).toBe('mac-mini-1');
      expect(said).toContainEqual(expect.stringMatching(/on mac-mini-1: pulling VM image/));
      expect(said.at(-1)).toMatch(/^running on mac-mini-1/);
      await slow.delete(name);

      // Labels no worker has: nobody takes it, and the wait ends at the boot timeout.
      const picky = orchardRuntime(
        Settings.parse({ ...settings, backend: { labels: { gpu: 'h100' } } }),
        creds,
        { logDir, codeSync: noCodeSync },
      );
      const lonely = vmName();
      await picky.clone(IMAGE, lonely);
      const never = await picky.start(lonely, { folders: [] });
      const t0 = Date.now();
      await expect(waitForEndpoint(picky, never, 22, { waitSeconds: 2 })).rejects.toMatchObject({
        code: 'orchard.not-running',
        why: expect.stringMatching(/no worker took it/),
      });
      expect(Date.now() - t0).toBeLessThan(15_000);
      await picky.delete(lonely);
    } finally {
      await pulling.stop();
    }
  }, 120_000);

  it('a dropped port-forward closes ssh; a new connection through the endpoint works', async () => {
    const name = vmName();
    const vm = await boot(name);
    const first = await sshVia(name, vm);
    const closed = new Promise<void>((res) => first.onClose(() => res()));
    await orchard.fault({ kind: 'drop-port-forwards', vm: name });
    await closed;
    expect(first.closed).toBe(true);
    const again = await sshVia(name, vm);
    expect((await again.exec('echo back')).stdout.trim()).toBe('back');
    await again.close();
    vm.stop();
    expect((await vm.exited).error).toBeNull();
    expect((await orchard.state()).vms.map((v) => v.name)).not.toContain(name);
  }, 240_000);

  it('ends `exited` with the reason when the VM fails or its worker is lost', async () => {
    const failing = vmName();
    const lost = vmName();
    const [a, b] = await Promise.all([boot(failing), boot(lost)]);
    await Promise.all([
      sshVia(failing, a).then((s) => s.close()),
      sshVia(lost, b).then((s) => s.close()),
    ]);
    // The controller goes away for a while (its watch streams cut): following resumes after.
    await orchard.fault({ kind: 'unavailable', on: true });
    await until('the cut watch to be noticed', async () =>
      /watch: /.test(readFileSync(a.logFile, 'utf8')) ? true : undefined,
    );
    await orchard.fault({ kind: 'unavailable', on: false });
    await orchard.fault({ kind: 'vm-failed', vm: failing, message: 'the guest kernel panicked' });
    const failed = await a.exited;
    expect(failed.error).toMatchObject({ code: 'orchard.vm-failed' });
    expect(failed.error!.why).toContain('the guest kernel panicked');
    await orchard.fault({ kind: 'worker-lost', worker: b.worker! });
    const gone = await b.exited;
    expect(gone.error).toMatchObject({ code: 'orchard.worker-lost' });
    expect(gone.error!.what).toContain(b.worker!);
    await orchard.fault({ kind: 'worker-back', worker: b.worker! });
    await Promise.all([runtime.delete(failing), runtime.delete(lost)]);
    expect((await orchard.state()).vms.map((v) => v.name)).toEqual(
      expect.not.arrayContaining([failing, lost]),
    );
  }, 240_000);

  it('says what is wrong: a wrong token, a taken name, a controller that is unavailable', async () => {
    const wrong = orchardRuntime(
      settings,
      { ...credentials, token: 'not-the-token' },
      {
        logDir,
        codeSync: noCodeSync,
      },
    );
    const refused = await wrong.list().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'orchard.unauthorized' });
    expect(JSON.stringify(refused) + String(refused)).not.toContain('not-the-token');
    const writer = orchardRuntime(
      settings,
      { url: orchard.url, serviceAccount: 'writer', token: 'writer-tok' },
      { logDir, codeSync: noCodeSync },
    );
    const unread = await writer.list().catch((e: unknown) => e);
    expect(unread).toMatchObject({ code: 'orchard.unauthorized' });
    // The controller's own sentence names the missing role.
    expect((unread as Error).message).toContain('compute:read');

    const name = vmName();
    const vm = await boot(name);
    const other = orchardRuntime(settings, credentials, { logDir, codeSync: noCodeSync });
    await expect(boot(name, other)).rejects.toMatchObject({ code: 'orchard.name-taken' });
    vm.stop();
    await vm.exited;

    const unlucky = vmName();
    await orchard.fault({ kind: 'unavailable', on: true });
    try {
      await expect(boot(unlucky)).rejects.toMatchObject({ code: 'orchard.unavailable' });
    } finally {
      await orchard.fault({ kind: 'unavailable', on: false });
    }
    // As a clone whose boot failed locally: it is there until the session's teardown deletes it.
    expect(await runtime.exists(unlucky)).toBe(true);
    await runtime.delete(unlucky);
    await runtime.delete(name);
    await expect(runtime.rename(name, 'x')).rejects.toMatchObject({ code: 'orchard.unsupported' });
    expect(runtime.unsharable('/Users/me/app/.clave/wt/s-abcd1234')).toBeNull();
    expect(runtime.unsharable('/Users/me/Library/Clave/snapshots/x')).toMatch(/no shared folders/);
    // Started, failed or deleted: nothing of this file's is left on the controller.
    expect((await runtime.list()).filter((v) => v.name.startsWith('clave-t-'))).toEqual([]);
  }, 240_000);
});
