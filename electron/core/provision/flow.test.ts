// The provision flow's logic against an in-memory VM host: ordering, what the base name points
// at after success, failure at every stage and interruption at every stage.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProvisionError, provision, type ProvisionEvent, type ProvisionOptionsInput } from './flow';
import { FakeHost } from './testing/fake-host';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'clave-provision-flow-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function run(host: FakeHost, options: Partial<ProvisionOptionsInput> = {}, signal?: AbortSignal) {
  const events: ProvisionEvent[] = [];
  const promise = provision(
    { dataDir, timeouts: { mountSeconds: 1, shutdownSeconds: 1 }, ...options },
    { deps: host.deps(), onProgress: (e) => events.push(e), ...(signal ? { signal } : {}) },
  );
  return { promise, events };
}

async function failure(promise: Promise<unknown>): Promise<ProvisionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProvisionError);
  return error as ProvisionError;
}

/** Nothing of the run is left: no temp VM, no lock, no script folder. */
function expectClean(host: FakeHost, names: string[]) {
  expect(host.names()).toEqual(names);
  expect([...host.vms.values()].some((v) => v.running)).toBe(false);
  expect(existsSync(path.join(dataDir, 'provision.lock'))).toBe(false);
  const scripts = path.join(dataDir, 'provision');
  expect(existsSync(scripts) ? readdirSync(scripts) : []).toEqual([]);
}

describe('provision: success', () => {
  it('builds the base on a temporary VM and renames it only at the end', async () => {
    const host = new FakeHost();
    const { promise, events } = run(host, { cpus: 2, memoryMb: 4096 });
    const result = await promise;

    expect(result).toMatchObject({
      outcome: 'created',
      baseVm: 'clave-base',
      source: 'ghcr.io/cirruslabs/ubuntu:latest',
    });
    expectClean(host, ['clave-base']);
    expect(host.vms.get('clave-base')?.disk).toMatch(/^build-1:clave-base-tmp-/);
    expect(host.vms.get('clave-base')?.config).toMatchObject({ cpus: 2, memoryMb: 4096, macs: 1 });

    const order = host.calls.map((c) => c.split(' ')[0]);
    expect(order).toEqual([
      'list',
      'pull',
      'clone',
      'configure',
      'run',
      'waitForIp',
      'connect',
      'mount',
      'script',
      'sync',
      'rename',
    ]);
    const temp = host.calls[2]?.split(' ')[2] ?? '';
    expect(temp).toMatch(/^clave-base-tmp-[0-9a-f]{8}$/);
    expect(host.calls[1]).toBe('pull ghcr.io/cirruslabs/ubuntu:latest');
    expect(host.calls[2]).toBe(`clone ghcr.io/cirruslabs/ubuntu:latest ${temp}`);
    expect(host.calls.at(-1)).toBe(`rename ${temp} clave-base`);
    expect(host.lastShares).toEqual([
      {
        path: expect.stringContaining(path.join(dataDir, 'provision')),
        tag: 'clave-provision',
        readOnly: true,
      },
    ]);
    expect(host.lastScript).toContain('readonly CLAVE_MODE=install');
    expect(host.lastScriptCommand).toBe('sudo -n env bash /mnt/clave-provision/provision.sh');
    expect(host.lastLogin).toMatchObject({
      host: '192.168.64.7',
      username: 'admin',
      password: 'admin',
    });

    // Progress: every phase in order, then every script section, fractions never going back.
    const phases = events.filter((e) => e.type === 'phase').map((e) => e.phase);
    expect(phases).toEqual([
      'prepare',
      'clone',
      'configure',
      'boot',
      'connect',
      'mount',
      'script',
      'shutdown',
      'finalize',
    ]);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((s) => s.id)).toEqual([
      'preflight',
      'system',
      'php',
      'php-fpm',
      'composer',
      'nginx',
      'node',
      'claude-code',
      'tmux',
      'project',
      'verify',
      'boot',
      'finalize',
    ]);
    const fractions = events.flatMap((e) => ('fraction' in e ? [e.fraction] : []));
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.some((e) => e.type === 'output' && e.line === 'working on php')).toBe(true);

    // The full log is kept, with the script's output, and no password.
    const log = readFileSync(result.logFile ?? '', 'utf8');
    expect(log).toContain('| working on php');
    expect(log).toContain('tart| pulling manifest...');
    expect(log).toContain('Done: clave-base is ready.');
    expect(log).not.toMatch(/password|admin\/admin/i);
  });

  it('does nothing when the base exists, unless forced', async () => {
    const host = new FakeHost({ 'clave-base': 'old' });
    const result = await run(host).promise;
    expect(result).toMatchObject({ outcome: 'exists', logFile: null });
    expect(host.calls).toEqual(['list']);
    expectClean(host, ['clave-base']);
  });

  it('--force replaces the base only once the new image is complete', async () => {
    const host = new FakeHost({ 'clave-base': 'old', other: 'x' });
    let baseDuringScript: string | undefined;
    host.onCall = (m) => {
      if (m === 'script') baseDuringScript = host.vms.get('clave-base')?.disk;
    };
    const result = await run(host, { force: true, image: 'ghcr.io/acme/ubuntu:24.04' }).promise;
    expect(result.outcome).toBe('rebuilt');
    expect(baseDuringScript).toBe('old');
    expect(host.calls[2]).toMatch(/^clone ghcr\.io\/acme\/ubuntu:24\.04 clave-base-tmp-/);
    expect(host.vms.get('clave-base')?.disk).toMatch(/^build-1:/);
    expect(host.calls.filter((c) => /^(rename|delete)/.test(c))).toEqual([
      expect.stringMatching(/^rename clave-base clave-base-old-[0-9a-f]{8}$/),
      expect.stringMatching(/^rename clave-base-tmp-[0-9a-f]{8} clave-base$/),
      expect.stringMatching(/^delete clave-base-old-/),
    ]);
    expectClean(host, ['clave-base', 'other']);
  });

  it('--update runs the update script on a copy of the base, then swaps it in', async () => {
    const host = new FakeHost({ 'clave-base': 'old' });
    const result = await run(host, { update: true }).promise;
    expect(result).toMatchObject({ outcome: 'updated', source: 'clave-base' });
    expect(host.calls[1]).toMatch(/^clone clave-base clave-base-tmp-/);
    expect(host.lastScript).toContain('readonly CLAVE_MODE=update');
    expect(host.vms.get('clave-base')?.disk).toMatch(/^build-1:/);
    expectClean(host, ['clave-base']);
  });

  it('builds from the cached image when it cannot be refreshed, and says so', async () => {
    const host = new FakeHost();
    host.failures.set('pull', new Error('registry unreachable'));
    const { promise, events } = run(host);
    const result = await promise;
    expect(result.outcome).toBe('created');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'output',
        line: expect.stringContaining('warning: could not refresh'),
      }),
    );
    expect(readFileSync(result.logFile ?? '', 'utf8')).toContain('registry unreachable');
  });

  it('does not pull a local VM used as the image, nor the base on --update', async () => {
    const local = new FakeHost({ 'my-golden': 'golden' });
    await run(local, { image: 'my-golden' }).promise;
    expect(local.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    expect(local.calls).toContainEqual(expect.stringMatching(/^clone my-golden clave-base-tmp-/));

    const base = new FakeHost({ 'clave-base': 'old' });
    const result = await run(base, { update: true }).promise;
    expect(base.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    expect(readFileSync(result.logFile ?? '', 'utf8')).toMatch(
      /The base was built with spec 0123456789abcdef; the update applies spec [0-9a-f]{16}\./,
    );
  });

  it('passes the spec, the ssh login and non-secret script env through', async () => {
    const host = new FakeHost();
    const { promise } = run(host, {
      baseVm: 'my-base',
      spec: { services: { redis: true }, extraPackages: ['htop'] },
      ssh: { user: 'dev', password: 'pw', port: 2222 },
      scriptEnv: { HTTPS_PROXY: 'http://user:secret@proxy:3128' },
      diskGb: 50,
    });
    const result = await promise;
    expect(result.baseVm).toBe('my-base');
    expect(host.lastScript).toContain('section_redis()');
    expect(host.lastScript).toContain('apt_get install htop');
    expect(host.lastLogin).toMatchObject({ username: 'dev', password: 'pw', port: 2222 });
    expect(host.lastScriptCommand).toBe(
      "sudo -n env 'HTTPS_PROXY=http://user:secret@proxy:3128' bash /mnt/clave-provision/provision.sh",
    );
    expect(host.vms.get('my-base')?.config.diskGb).toBe(50);
    const log = readFileSync(result.logFile ?? '', 'utf8');
    expect(log).toContain('(env: HTTPS_PROXY)');
    expect(log).not.toContain('secret');
    expect(log).not.toContain('pw');
  });

  it('retries the mount until the share is there', async () => {
    const host = new FakeHost();
    host.mountFailures = 2;
    await run(host, { timeouts: { mountSeconds: 10 } }).promise;
    expect(host.calls.filter((c) => c.startsWith('mount'))).toHaveLength(3);
  });

  it('stops the VM with tart stop when the guest cannot be asked to shut down', async () => {
    const host = new FakeHost();
    host.supportsShutdownRequest = false;
    await run(host).promise;
    expect(host.calls.filter((c) => c.startsWith('stop'))).toHaveLength(1);
    expectClean(host, ['clave-base']);
  });
});

describe('provision: failure at each stage leaves no half-built base and no temporary VM', () => {
  const stages = [
    ['clone', 'provision.clone-failed', 'clone'],
    ['configure', 'provision.configure-failed', 'configure'],
    ['run', 'provision.boot-failed', 'boot'],
    ['waitForIp', 'provision.boot-failed', 'boot'],
    ['connect', 'provision.connect-failed', 'connect'],
    ['script', 'provision.script-failed', 'script'],
    ['sync', 'provision.shutdown-failed', 'shutdown'],
    ['rename', 'provision.finalize-failed', 'finalize'],
  ] as const;

  it.each(stages)('%s fails → %s', async (method, code, phase) => {
    const host = new FakeHost({ 'clave-base': 'old' });
    host.failures.set(method, new Error(`${method} broke`));
    const error = await failure(run(host, { force: true }).promise);
    expect(error).toMatchObject({ code, phase });
    expect(error.why).toContain(`${method} broke`);
    expect(error.logFile).toBeTruthy();
    expect(error.fix).toContain(error.logFile);
    expect(readFileSync(error.logFile ?? '', 'utf8')).toContain(`FAILED (${phase})`);
    expectClean(host, ['clave-base']);
    expect(host.vms.get('clave-base')?.disk).toBe('old');
  });

  it('the mount never works → provision.mount-failed with the reason', async () => {
    const host = new FakeHost();
    host.mountFailures = 1000;
    const error = await failure(run(host).promise);
    expect(error).toMatchObject({ code: 'provision.mount-failed', phase: 'mount' });
    expect(error.why).toContain('wrong fs type');
    expectClean(host, []);
  });

  it('the script fails → the failing section, its exit code and the output are reported', async () => {
    const host = new FakeHost({ 'clave-base': 'old' });
    host.scriptRun = { code: 100, sections: 3, lines: ['E: Unable to locate package php8.4-fpm'] };
    const error = await failure(run(host, { force: true }).promise);
    expect(error).toMatchObject({
      code: 'provision.script-failed',
      phase: 'script',
      step: 'php',
      what: 'Provisioning failed at "Installing PHP 8.4 and extensions"',
    });
    expect(error.why).toBe('It exited with 100 at line 42: E: Unable to locate package php8.4-fpm');
    expect(error.detail).toContain('working on php');
    expect(error.fix).toContain(error.logFile ?? 'no log');
    expectClean(host, ['clave-base']);
    expect(host.vms.get('clave-base')?.disk).toBe('old');
  });

  it('the VM dies during the script → provision.vm-stopped, cleaned up', async () => {
    const host = new FakeHost();
    host.crashDuringScript = true;
    const error = await failure(run(host).promise);
    expect(error).toMatchObject({ code: 'provision.vm-stopped', phase: 'script' });
    expect(error.why).toBe(
      'The VM crashed: guest error. It was at "Installing PHP 8.4 and extensions".',
    );
    expect(error.fix).toContain('/fake/logs/clave-base-tmp-');
    expectClean(host, []);
  });

  it('a failed final rename puts the old base back', async () => {
    const host = new FakeHost({ 'clave-base': 'old' });
    let renames = 0;
    host.onCall = (m) => {
      if (m === 'rename' && ++renames === 2) host.failures.set('rename', new Error('disk full'));
      if (m === 'rename' && renames === 3) host.failures.delete('rename');
    };
    const error = await failure(run(host, { force: true }).promise);
    expect(error.code).toBe('provision.finalize-failed');
    expectClean(host, ['clave-base']);
    expect(host.vms.get('clave-base')?.disk).toBe('old');
  });

  it('update without a base → provision.base-missing, nothing created', async () => {
    const host = new FakeHost();
    const error = await failure(run(host, { update: true }).promise);
    expect(error.code).toBe('provision.base-missing');
    expectClean(host, []);
  });

  it('refuses to replace a running base', async () => {
    const host = new FakeHost({ 'clave-base': 'old' });
    host.vms.get('clave-base')!.running = true;
    const error = await failure(run(host, { force: true }).promise);
    expect(error.code).toBe('provision.base-running');
    expect(host.calls).toEqual(['list']);
  });
});

describe('provision: interruption at each stage', () => {
  const stages = [
    ['clone', 'clone'],
    ['configure', 'configure'],
    ['run', 'boot'],
    ['waitForIp', 'boot'],
    ['connect', 'connect'],
    ['mount', 'mount'],
    ['script', 'script'],
    ['sync', 'shutdown'],
  ] as const;

  it.each(stages)(
    'abort during %s → provision.aborted, temp VM gone, base untouched',
    async (method, phase) => {
      const host = new FakeHost({ 'clave-base': 'old' });
      const controller = new AbortController();
      host.onCall = (m) => {
        if (m === method) controller.abort();
      };
      const { promise, events } = run(host, { force: true }, controller.signal);
      const error = await failure(promise);
      expect(error).toMatchObject({ code: 'provision.aborted', phase });
      expectClean(host, ['clave-base']);
      expect(host.vms.get('clave-base')?.disk).toBe('old');
      if (method !== 'clone') {
        expect(events.some((e) => e.type === 'cleanup')).toBe(true);
      }
    },
  );

  it('an adapter that ignores the abort is waited for, then its VM deleted', async () => {
    const host = new FakeHost();
    host.hang.add('clone');
    const controller = new AbortController();
    host.onCall = (m) => {
      if (m === 'clone') {
        controller.abort();
        // The clone finishes a little later, creating the VM after the abort.
        setTimeout(() => {
          host.hang.delete('clone');
          const clone = host.calls.find((c) => c.startsWith('clone ')) ?? '';
          host.vms.set(clone.split(' ')[2] ?? '', {
            disk: 'late',
            running: false,
            config: { macs: 0 },
          });
          host.release();
        }, 30);
      }
    };
    const started = Date.now();
    const error = await failure(run(host, {}, controller.signal).promise);
    expect(error.code).toBe('provision.aborted');
    expect(Date.now() - started).toBeLessThan(5000);
    expectClean(host, []);
  });

  it('an already aborted signal does nothing at all', async () => {
    const host = new FakeHost();
    const error = await failure(run(host, {}, AbortSignal.abort()).promise);
    expect(error.code).toBe('provision.aborted');
    expect(host.calls).toEqual([]);
  });
});

describe('provision: leftovers, locking and input', () => {
  it('removes temporary VMs of a crashed run before building', async () => {
    const host = new FakeHost({ 'clave-base-tmp-deadbeef': 'half' });
    host.vms.get('clave-base-tmp-deadbeef')!.running = true;
    await run(host).promise;
    expect(host.calls.slice(1, 3)).toEqual([
      'stop clave-base-tmp-deadbeef',
      'delete clave-base-tmp-deadbeef',
    ]);
    expectClean(host, ['clave-base']);
  });

  it('puts back a base that an interrupted swap left under its -old- name', async () => {
    const host = new FakeHost({ 'clave-base-old-0badf00d': 'old' });
    const result = await run(host).promise;
    expect(result.outcome).toBe('exists');
    expect(host.names()).toEqual(['clave-base']);
    expect(host.vms.get('clave-base')?.disk).toBe('old');
  });

  it('refuses to run while another live process holds the lock; takes over a stale one', async () => {
    const host = new FakeHost();
    writeFileSync(path.join(dataDir, 'provision.lock'), JSON.stringify({ pid: process.ppid }));
    const error = await failure(run(host).promise);
    expect(error.code).toBe('provision.busy');
    expect(host.calls).toEqual([]);
    expect(existsSync(path.join(dataDir, 'provision.lock'))).toBe(true);

    writeFileSync(path.join(dataDir, 'provision.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    await run(host).promise;
    expectClean(host, ['clave-base']);
  });

  it('two provisions in one process: the second is refused', async () => {
    const host = new FakeHost();
    const first = run(host);
    await new Promise((r) => setTimeout(r, 0));
    const second = await failure(run(host).promise);
    expect(second.code).toBe('provision.busy');
    await first.promise;
    expectClean(host, ['clave-base']);
  });

  it.each<[string, Partial<ProvisionOptionsInput>, RegExp]>([
    ['force with update', { force: true, update: true }, /cannot be combined/],
    ['a bad base name', { baseVm: 'a/b' }, /baseVm/],
    ['an image with spaces', { image: 'ubuntu latest' }, /image/],
    ['a bad spec', { spec: { user: 'root' } }, /user: the VM user must not be root/],
    ['a bad env name', { scriptEnv: { 'A-B': 'x' } }, /scriptEnv/],
  ])('rejects %s before doing anything', async (_name, options, why) => {
    const host = new FakeHost();
    const error = await failure(run(host, options).promise);
    expect(error.code).toBe('provision.invalid-input');
    expect(error.why).toMatch(why);
    expect(host.calls).toEqual([]);
  });
});
