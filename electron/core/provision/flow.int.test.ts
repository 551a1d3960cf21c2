// The provision flow end to end on the simulated VM host (e2e/sim): the real Tart adapter drives
// the simulated `tart`, whose VMs are namespaces with a real sshd and an overlay root file
// system; ssh2 runs the generated script in the guest. Package managers and downloaders in the
// guest are recorders (e2e/sim/guest/recorder.sh) put first on the script's PATH, so the tests read what
// would have been installed from the VM's disk. Covered: success, --force, --update, failure at
// each stage, and interruption — always exactly one base VM and no temporary VM afterwards.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimHost, type SimHost } from '../../../e2e/sim/harness';
import { leftovers } from '../../../e2e/sim/leaks';
import { Tart } from '../host/tart';
import { ProvisionError, provision, type ProvisionEvent, type ProvisionOptionsInput } from './flow';
import { hostDeps } from './host-binding';
import { BOOT_MASKED_UNITS, CLOUD_INIT_DISABLED } from './boot-tuning';
import { FSTAB_LINE } from './script';
import { createRecorders, type RecordedCall } from './testing/recorders';

// Not under /tmp: the guest has its own /tmp, but sees the rest of this machine's file system
// (read-only, as the lower layer of its disk), which is how it finds the recorders.
const root = mkdtempSync('/var/tmp/clave-provision-int-');
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const recorders = createRecorders(path.join(root, 'rec'));
const GUEST_PATH = `${recorders.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

let sim: SimHost;
let tartHome: string;
let dataDir: string;
let tart: Tart;

beforeEach(async () => {
  sim = await createSimHost({ bootDelayMs: 150, sshdDelayMs: 100 });
  tartHome = sim.tartHome;
  dataDir = path.join(sim.root, 'data');
  recorders.reset();
  recorders.clearFailures();
  tart = new Tart({ logDir: path.join(dataDir, 'logs', 'vms'), env: sim.processEnv() });
});

afterEach(async () => {
  // Nothing of this TART_HOME's VMs may be left: no `tart run`, guest process or run state.
  // (leftovers() also lists other people's orphans on this shared machine: keep ours only.)
  const left = leftovers(tartHome).filter((l) => l.includes(tartHome) || l.includes('-tmp-'));
  await sim.cleanup();
  expect(left).toEqual([]);
});

function run(options: Partial<ProvisionOptionsInput> = {}, signal?: AbortSignal) {
  const events: ProvisionEvent[] = [];
  const promise = provision(
    {
      dataDir,
      cpus: 2,
      memoryMb: 2048,
      scriptEnv: { PATH: GUEST_PATH },
      timeouts: { ipSeconds: 60, sshSeconds: 60, mountSeconds: 15, shutdownSeconds: 30 },
      ...options,
    },
    {
      deps: hostDeps({ tart }),
      onProgress: (e) => events.push(e),
      ...(signal === undefined ? {} : { signal }),
    },
  );
  return { promise, events };
}

async function failure(promise: Promise<unknown>): Promise<ProvisionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProvisionError)) throw error ?? new Error('expected a failure');
  return error;
}

/** What the guest wrote, read from the VM's disk (the simulator keeps it as an overlay layer). */
function guestFile(vm: string, file: string): string | null {
  const p = path.join(tartHome, 'vms', vm, '.sim-rootfs', 'upper', file);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

function guestCalls(vm: string): RecordedCall[] {
  return (guestFile(vm, path.join(recorders.dir, 'calls.log')) ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [program = '', user = '', ...args] = line.split('\x1f');
      return { program, user, args };
    });
}

/** Exactly these VMs exist, none running; no lock and no script folder are left. */
async function expectVms(names: string[]) {
  const vms = await tart.list();
  expect(vms.map((v) => v.name).sort()).toEqual(names);
  expect(vms.filter((v) => v.running)).toEqual([]);
  expect(existsSync(path.join(dataDir, 'provision.lock'))).toBe(false);
  const scripts = path.join(dataDir, 'provision');
  expect(existsSync(scripts) ? readdirSync(scripts) : []).toEqual([]);
}

async function makeBase(marker: string) {
  // A stand-in for an older base image: a clone of the image with a file only it has.
  await tart.clone('ghcr.io/cirruslabs/ubuntu:latest', 'clave-base');
  writeFileSync(path.join(tartHome, 'vms', 'clave-base', 'marker'), marker);
}

describe('provision on the simulated host', () => {
  it('builds clave-base from the image: temp VM, script in the guest, renamed at the end', async () => {
    const { promise, events } = run();
    const result = await promise;
    expect(result).toMatchObject({ outcome: 'created', baseVm: 'clave-base' });
    await expectVms(['clave-base']);

    // The script ran in the guest as root, installing what the issue lists.
    const calls = guestCalls('clave-base');
    const lines = calls.map((c) => [c.program, ...c.args].join(' '));
    expect(calls.filter((c) => c.program === 'apt-get').every((c) => c.user === 'root')).toBe(true);
    expect(lines).toContain('add-apt-repository -y -n ppa:ondrej/php');
    expect(lines.find((l) => l.includes(' php8.4-fpm '))).toMatch(
      /install --no-install-recommends php8\.4-cli php8\.4-fpm/,
    );
    expect(lines.some((l) => l.endsWith(' install nodejs'))).toBe(true);
    expect(lines).toContain('systemctl restart nginx');
    expect(guestFile('clave-base', 'etc/php/8.4/fpm/pool.d/www.conf')).toContain('user = admin');
    expect(guestFile('clave-base', 'etc/nginx/sites-available/clave')).toContain(
      'root /srv/project/public;',
    );
    expect(guestFile('clave-base', 'etc/fstab')).toContain(`${FSTAB_LINE}\n`);
    expect(JSON.parse(guestFile('clave-base', 'etc/clave/base-image.json') ?? '{}')).toMatchObject({
      mode: 'install',
      specHash: result.specHash,
    });
    expect(guestFile('clave-base', 'home/admin/.claude.json')).toContain('hasCompletedOnboarding');
    // Sessions' clones boot without what they never need.
    expect(guestFile('clave-base', CLOUD_INIT_DISABLED.slice(1))).toBe('');
    expect(lines).toContain(`systemctl mask ${BOOT_MASKED_UNITS.join(' ')}`);

    // Progress for every phase and every script section; the log has all the output.
    expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toEqual([
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
    expect(events.filter((e) => e.type === 'step')).toHaveLength(13);
    const log = readFileSync(result.logFile ?? '', 'utf8');
    expect(log).toContain('| ::clave::complete');
    expect(log).toContain('| Guest: ubuntu');
    expect(log).not.toContain('admin/admin');

    // A second call finds the base and does nothing.
    const again = await run().promise;
    expect(again.outcome).toBe('exists');
    await expectVms(['clave-base']);
  });

  it('--force builds a new base and replaces the old one only at the end', async () => {
    await makeBase('old');
    let oldDuringScript: string | null = null;
    const { promise, events } = run({ force: true });
    const watcher = setInterval(() => {
      if (events.some((e) => e.type === 'step') && oldDuringScript === null) {
        oldDuringScript = readFileSync(path.join(tartHome, 'vms', 'clave-base', 'marker'), 'utf8');
      }
    }, 20);
    const result = await promise.finally(() => clearInterval(watcher));
    expect(result.outcome).toBe('rebuilt');
    expect(oldDuringScript).toBe('old');
    await expectVms(['clave-base']);
    expect(existsSync(path.join(tartHome, 'vms', 'clave-base', 'marker'))).toBe(false);
    expect(JSON.parse(guestFile('clave-base', 'etc/clave/base-image.json') ?? '{}').mode).toBe(
      'install',
    );
  });

  it('--update upgrades packages and Claude Code on a copy of the base, then swaps it in', async () => {
    await makeBase('old');
    const result = await run({ update: true }).promise;
    expect(result).toMatchObject({ outcome: 'updated', source: 'clave-base' });
    await expectVms(['clave-base']);
    const calls = guestCalls('clave-base');
    expect(calls.some((c) => c.program === 'apt-get' && c.args.at(-1) === 'full-upgrade')).toBe(
      true,
    );
    const installer = calls.filter((c) => c.args.includes('https://claude.ai/install.sh'));
    expect(installer).toEqual([expect.objectContaining({ program: 'curl', user: 'admin' })]);
    expect(calls.some((c) => c.program === 'claude' && c.user === 'root')).toBe(false);
    expect(JSON.parse(guestFile('clave-base', 'etc/clave/base-image.json') ?? '{}').mode).toBe(
      'update',
    );
  });
});

describe('provision failures on the simulated host leave no temporary VM', () => {
  it('clone: the registry is unreachable', async () => {
    sim.setFaults('pull-fail');
    const error = await failure(run().promise);
    expect(error).toMatchObject({ code: 'provision.clone-failed', phase: 'clone' });
    await expectVms([]);
  });

  it('boot: the VM does not start; an old base stays', async () => {
    await makeBase('old');
    sim.setFaults('run-start-fail@clave-base-tmp-*');
    const error = await failure(run({ force: true }).promise);
    expect(error.phase).toBe('boot');
    expect(error.code).toMatch(/^provision\.(boot-failed|vm-stopped)$/);
    await expectVms(['clave-base']);
    expect(readFileSync(path.join(tartHome, 'vms', 'clave-base', 'marker'), 'utf8')).toBe('old');
  });

  it('boot: no IP address', async () => {
    sim.setFaults('no-ip');
    const error = await failure(run({ timeouts: { ipSeconds: 2 } }).promise);
    expect(error).toMatchObject({ code: 'provision.boot-failed', phase: 'boot' });
    await expectVms([]);
  });

  it('connect: ssh rejects the login', async () => {
    sim.setFaults('sshd-auth-fail');
    const error = await failure(run({ timeouts: { sshSeconds: 3 } }).promise);
    expect(error).toMatchObject({ code: 'provision.connect-failed', phase: 'connect' });
    expect(error.why).toMatch(/log in|rejected/i);
    await expectVms([]);
  });

  it('mount: the share never mounts', async () => {
    sim.setFaults('mount-fail=1000');
    const error = await failure(run({ timeouts: { mountSeconds: 2 } }).promise);
    expect(error).toMatchObject({ code: 'provision.mount-failed', phase: 'mount' });
    expect(error.why).toContain('wrong fs type');
    await expectVms([]);
  });

  it('script: a package fails to install', async () => {
    recorders.fail('apt-get', 100, 'php8.4-fpm');
    const error = await failure(run().promise);
    expect(error).toMatchObject({
      code: 'provision.script-failed',
      phase: 'script',
      step: 'php',
      what: 'Provisioning failed at "Installing PHP 8.4 and extensions"',
    });
    expect(error.why).toContain('It exited with 100');
    expect(error.detail).toContain('apt-get: injected failure (exit 100)');
    expect(readFileSync(error.logFile ?? '', 'utf8')).toContain('| ::clave::fail php exit=100');
    await expectVms([]);
  });

  it('script: the VM crashes while the script runs', async () => {
    recorders.fail('apt-get', 'hang', 'php8.4-fpm');
    const { promise, events } = run();
    const crash = setInterval(() => {
      if (events.some((e) => e.type === 'step' && e.id === 'php')) {
        clearInterval(crash);
        for (const vm of sim.runningVMs()) sim.crashVm(vm, 'error');
      }
    }, 20);
    const error = await failure(promise.finally(() => clearInterval(crash)));
    expect(error).toMatchObject({ code: 'provision.vm-stopped', phase: 'script' });
    expect(error.why).toContain('"Installing PHP 8.4 and extensions"');
    await expectVms([]);
  });
});

describe('interrupting a provision on the simulated host', () => {
  it.each([
    ['clone', (e: ProvisionEvent) => e.type === 'phase' && e.phase === 'clone'],
    ['connect', (e: ProvisionEvent) => e.type === 'phase' && e.phase === 'connect'],
    ['script', (e: ProvisionEvent) => e.type === 'step' && e.id === 'php'],
  ])('during %s: stops and deletes the temporary VM, keeps the old base', async (phase, when) => {
    await makeBase('old');
    // A local source image: no pull first, so the abort lands in the clone itself.
    await tart.clone('ghcr.io/cirruslabs/ubuntu:latest', 'golden');
    recorders.fail('apt-get', 'hang', 'php8.4-fpm');
    const controller = new AbortController();
    const events: ProvisionEvent[] = [];
    const promise = provision(
      {
        dataDir,
        force: true,
        image: 'golden',
        scriptEnv: { PATH: GUEST_PATH },
        timeouts: { ipSeconds: 60, sshSeconds: 60 },
      },
      {
        deps: hostDeps({ tart }),
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          if (when(e)) controller.abort();
        },
      },
    );
    const started = Date.now();
    const error = await failure(promise);
    expect(error.code).toBe('provision.aborted');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(error.phase).toBe(phase);
    await expectVms(['clave-base', 'golden']);
    expect(readFileSync(path.join(tartHome, 'vms', 'clave-base', 'marker'), 'utf8')).toBe('old');
    expect(readFileSync(error.logFile ?? '', 'utf8')).toContain(
      'Cleaning up: stopping and deleting',
    );
  });
});
