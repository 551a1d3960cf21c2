// The timing profile as the guest lives it: which delays its stand-ins take (read from the log
// they keep, not timed), Composer's cache deciding between a download and an extraction, and
// nothing slowed down unless the profile was chosen.
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { createSimHost, type SimHost } from './harness';
import { GUEST_DELAYS_LOG, GUEST_TIMING_FILE, MAC_PROFILE, NO_GUEST_DELAYS } from './profile';
import { PtySession, sshConnect, sshExec } from './ssh';
import { bootVM } from './vm';

const PACKAGES = ['acme/one', 'acme/two', 'acme/three'];
const APP = [
  'mkdir -p ~/app && cd ~/app',
  `printf '%s' '${JSON.stringify({ name: 'demo/app', require: Object.fromEntries(PACKAGES.map((p) => [p, '^1.0'])) })}' > composer.json`,
].join(' && ');

let sim: SimHost | undefined;
let ssh: Client | undefined;
afterEach(async () => {
  ssh?.end();
  await sim?.cleanup();
  sim = undefined;
  ssh = undefined;
});

async function guest(profile: 'fast' | 'mac') {
  // slow-boot keeps the test from waiting the Mac's 10 s boot; the guest's delays are the profile's.
  sim = await createSimHost({ profile, faults: 'slow-boot=150' });
  const vm = await bootVM(sim, `profile-${profile}`);
  ssh = await sshConnect(vm.ip, { timeoutMs: 30_000 });
  const c = ssh;
  const sh = (cmd: string) => sshExec(c, cmd);
  expect((await sh(APP)).code).toBe(0);
  const delays = async () =>
    (await sh(`cat ${GUEST_DELAYS_LOG}`)).stdout.split('\n').filter((l) => l !== '');
  const install = () => sh('cd ~/app && rm -rf vendor && composer install --no-interaction');
  return { c, sh, delays, install };
}

describe('the timing profile in the guest', () => {
  it('fast (the default): downloads and cache hits like Composer, and no delays', async () => {
    const g = await guest('fast');
    expect(JSON.parse((await g.sh(`cat ${GUEST_TIMING_FILE}`)).stdout)).toEqual(NO_GUEST_DELAYS);
    const cold = await g.install();
    expect(cold.code).toBe(0);
    for (const p of PACKAGES) expect(cold.stderr).toContain(`  - Downloading ${p} (v1.0.0)`);
    const warm = await g.install();
    expect(warm.code).toBe(0);
    expect(warm.stderr).not.toContain('Downloading');
    expect(warm.stderr).toContain('  - Installing acme/one (v1.0.0): Extracting archive');
    expect(await g.delays()).toEqual([]);
  });

  it('mac: a download costs the network time, a cache hit the extraction, Claude its start', async () => {
    const g = await guest('mac');
    expect(JSON.parse((await g.sh(`cat ${GUEST_TIMING_FILE}`)).stdout)).toEqual(MAC_PROFILE.guest);

    expect((await g.install()).code).toBe(0);
    expect(await g.delays()).toEqual(PACKAGES.map((p) => `composer download ${p} 250`));
    await g.sh(`: > ${GUEST_DELAYS_LOG}`);
    const warm = await g.install();
    expect(warm.stderr).not.toContain('Downloading');
    expect(await g.delays()).toEqual(PACKAGES.map((p) => `composer cache ${p} 20`));

    // A cache Composer cannot write is no cache at all (it says so): everything downloads.
    await g.sh(`: > ${GUEST_DELAYS_LOG}`);
    const readOnly = await g.sh(
      'mkdir -p /tmp/ro-cache && chmod 555 /tmp/ro-cache && cd ~/app && rm -rf vendor && COMPOSER_CACHE_DIR=/tmp/ro-cache composer install --no-interaction',
    );
    expect(readOnly.code).toBe(0);
    expect(readOnly.stderr).toContain(
      'Cannot create cache directory /tmp/ro-cache/files/, or directory is not writable. Proceeding without cache.',
    );
    expect(await g.delays()).toEqual(PACKAGES.map((p) => `composer download ${p} 250`));

    await g.sh(`: > ${GUEST_DELAYS_LOG}`);
    const claude = await PtySession.open(g.c, 'bash -lc claude');
    await claude.waitFor(/\S/, 20_000);
    claude.stream.close();
    expect(await g.delays()).toEqual(['claude start 1500']);
  });
});
