// `clave provision` as a newcomer runs it: the real CLI (bin/clave) against a fresh simulated host
// with nothing but the pulled image — no recorders on the script's PATH, the image's own
// package managers are recorders (e2e/sim/tart/image-recorders.ts). It must end with exactly one
// base VM, no temporary VM, the script's work on its disk, and the recorded calls as the log.
// The CLI asks the host (`clave serve`, the test's own child here) to provision; Ctrl-C cancels.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socketIsLive } from '../electron/core/api/socket-client';
import { dataPaths } from '../electron/core/config/paths';
import { STAMP_PATH } from '../electron/core/provision/script';
import { CLAVE_BIN, createSimWorld, type SimWorld } from '../electron/core/session/testing/sim-env';
import { leftovers } from '../e2e/sim/leaks';
import { RECORDER_DIR } from '../e2e/sim/tart/image-recorders';

const run = promisify(execFile);
let world: SimWorld;
let host: ChildProcess | null = null;

// Per test, so a retry starts from a fresh host too.
beforeEach(async () => {
  world = await createSimWorld({ bootDelayMs: 300, sshdDelayMs: 100 });
  host = await serve();
});
afterEach(async () => {
  if (host && host.exitCode === null && host.signalCode === null) {
    const exited = new Promise((r) => host!.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  }
  await world?.cleanup();
});

/** The session host the CLI talks to, as the test's child (a background one would outlive it). */
async function serve(): Promise<ChildProcess> {
  const child = spawn(CLAVE_BIN, ['serve'], { env: world.env, stdio: 'ignore' });
  const socket = dataPaths(world.claveHome).socket;
  for (let i = 0; i < 300 && !(await socketIsLive(socket)); i++) {
    if (child.exitCode !== null) throw new Error(`clave serve exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function localVms(): Promise<string[]> {
  const vms = JSON.parse(await world.tart('list', '--format', 'json')) as {
    Name: string;
    Source: string;
  }[];
  return vms.filter((v) => v.Source === 'local').map((v) => v.Name);
}

function guestFile(vm: string, file: string): string | null {
  const p = path.join(world.sim.tartHome, 'vms', vm, '.sim-rootfs', 'upper', file);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

describe('clave provision on the simulated host', () => {
  it('builds exactly one base VM from the image, offline, and records what it installed', async () => {
    // Bounded: the real apt-get in the guest used to hang on its mirrors for minutes.
    const r = await run(CLAVE_BIN, ['provision'], { env: world.env, timeout: 90_000 });
    expect(r.stderr).toContain('clave-base: created');

    const vms = JSON.parse(await world.tart('list', '--format', 'json')) as {
      Name: string;
      Source: string;
    }[];
    // Local VMs: the pulled image is listed too (Source OCI). No temporary VM, nothing running.
    expect(vms.filter((v) => v.Source === 'local').map((v) => v.Name)).toEqual(['clave-base']);
    expect(leftovers(world.sim.tartHome).filter((l) => l.includes(world.sim.tartHome))).toEqual([]);

    // The script ran to its end on the base's disk: stamp, nginx site, fstab line.
    expect(JSON.parse(guestFile('clave-base', STAMP_PATH) ?? '{}')).toMatchObject({
      mode: 'install',
      spec: { php: { version: '8.4' } },
    });
    expect(guestFile('clave-base', 'etc/nginx/sites-available/clave')).toContain('fastcgi_pass');
    expect(guestFile('clave-base', 'etc/fstab')).toContain('/srv/project virtiofs');

    // Every package manager and download went to the image's recorders, as root.
    const calls = (guestFile('clave-base', path.join(RECORDER_DIR, 'calls.log')) ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\x1f'));
    const lines = calls.map(([program, user, ...args]) => `${user} ${program} ${args.join(' ')}`);
    expect(lines).toContainEqual(expect.stringMatching(/^root apt-get .* update$/));
    expect(lines).toContainEqual(expect.stringMatching(/^root apt-get .* install .*php8\.4-fpm/));
    expect(lines).toContainEqual('root add-apt-repository -y -n ppa:ondrej/php');
    expect(lines).toContainEqual(expect.stringMatching(/^root curl .*nodesource-repo\.gpg\.key/));
    expect(lines).toContainEqual('root php-fpm8.4 -t');
    expect(lines).toContainEqual('root node --version');

    // --update re-runs the script on the base (Composer and Claude Code are refreshed through
    // the recorded installers) and still leaves one VM whose tools work.
    const u = await run(CLAVE_BIN, ['provision', '--update'], { env: world.env, timeout: 90_000 });
    expect(u.stderr).toContain('clave-base: updated');
    const after = JSON.parse(await world.tart('list', '--format', 'json')) as typeof vms;
    expect(after.filter((v) => v.Source === 'local').map((v) => v.Name)).toEqual(['clave-base']);
    expect(JSON.parse(guestFile('clave-base', STAMP_PATH) ?? '{}')).toMatchObject({
      mode: 'update',
    });
    expect(guestFile('clave-base', path.join(RECORDER_DIR, 'calls.log'))).toContain(
      'https://claude.ai/install.sh',
    );
  });

  it('Ctrl-C during a provision: the host removes the temporary VM, the CLI exits non-zero', async () => {
    const cli = await provisionUntilTheTemporaryVmRuns();
    cli.child.kill('SIGINT');
    const code = await cli.exited;

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(cli.stderr()).toContain('Provisioning was interrupted');
    expect(await localVms()).toEqual([]);
    expect(leftovers(world.sim.tartHome).filter((l) => l.includes(world.sim.tartHome))).toEqual([]);
  });

  it('the host stopped during a provision takes the temporary VM with it', async () => {
    const cli = await provisionUntilTheTemporaryVmRuns();
    const hostExited = new Promise((r) => host!.once('exit', r));
    host!.kill('SIGTERM');
    await hostExited;

    expect(await cli.exited).not.toBe(0);
    expect(await localVms()).toEqual([]);
    expect(leftovers(world.sim.tartHome).filter((l) => l.includes(world.sim.tartHome))).toEqual([]);
  });
});

/** `clave provision`, once its temporary VM runs (the script folder is being mounted). */
async function provisionUntilTheTemporaryVmRuns() {
  const child = spawn(CLAVE_BIN, ['provision'], {
    env: world.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/Mounting the script folder/.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`clave provision ended first:\n${stderr}`)));
  });
  expect((await localVms()).filter((n) => n.startsWith('clave-base-tmp-'))).toHaveLength(1);
  return { child, exited, stderr: () => stderr };
}
