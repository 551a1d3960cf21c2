// Eight VMs at once do not interfere: distinct addresses, hostnames in their own UTS namespace,
// private /tmp, /srv/project mounts visible only inside their own VM, their own disks, and guest
// traffic that stays on the simulated NAT network.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_NAME } from './config';
import { createSimHost, type SimHost } from './harness';
import { leftovers } from './leaks';
import { sshConnect, sshExec } from './ssh';
import { bootVM, type RunningVM } from './vm';

describe('eight VMs at once', () => {
  let sim: SimHost;
  let vms: RunningVM[] = [];
  const shares: string[] = [];
  const names = Array.from({ length: 8 }, (_, i) => `iso-${i}`);

  beforeAll(async () => {
    sim = await createSimHost();
  });
  afterAll(async () => {
    await sim?.cleanup();
  });

  it('boots 8 VMs in parallel, each isolated from the others', async () => {
    for (const n of names) {
      const d = mkdtempSync(join(sim.root, `share-${n}-`));
      writeFileSync(join(d, 'who'), n);
      shares.push(d);
    }
    const t0 = Date.now();
    vms = await Promise.all(
      names.map((n, i) => bootVM(sim, n, { runArgs: [`--dir=${shares[i]}`] })),
    );
    console.log(`8 VMs: clone+run+ip in ${Date.now() - t0} ms`);
    expect(new Set(vms.map((v) => v.ip)).size).toBe(8);

    const results = await Promise.all(
      vms.map(async (vm, i) => {
        const c = await sshConnect(vm.ip);
        try {
          const run = async (cmd: string) => (await sshExec(c, cmd)).stdout.trim();
          await run('sudo mount -t virtiofs com.apple.virtio-fs.automount /srv/project');
          await run(
            `sudo hostname vm-${i}; echo ${names[i]} > /tmp/mine; echo disk-${i} | sudo tee /etc/marker >/dev/null`,
          );
          return { c, run };
        } catch (e) {
          c.end();
          throw e;
        }
      }),
    );
    try {
      // Checked after every VM made its changes, so a leak between VMs would show.
      await Promise.all(
        results.map(async ({ run }, i) => {
          expect(await run('cat /srv/project/who')).toBe(names[i]);
          expect(await run('hostname')).toBe(`vm-${i}`);
          expect(await run('cat /tmp/mine')).toBe(names[i]);
          expect(await run('cat /etc/marker')).toBe(`disk-${i}`);
          expect(await run('mount | grep -c " /srv/project "')).toBe('1');
          // Only the guest's own processes are visible (its own PID namespace).
          // (The host has hundreds; a guest a dozen or two, more while its ssh sessions wind down.)
          expect(Number(await run('ps -e --no-headers | wc -l'))).toBeLessThan(50);
          // The other VMs answer on the shared network, like on vmnet.
          const other = vms[(i + 1) % vms.length]!;
          expect(await run(`curl -s -o /dev/null -w '%{http_code}' http://${other.ip}/`)).toBe(
            '404',
          );
        }),
      );
      // Nothing beyond the simulated NAT network: the host does not forward guest traffic.
      expect(readFileSync(`/proc/sys/net/ipv4/conf/${BRIDGE_NAME}/forwarding`, 'utf8').trim()).toBe(
        '0',
      );
      expect(
        await results[0]!.run(
          // The real curl: the image's curl records internet URLs instead of fetching them.
          '/usr/bin/curl -s -m 1 -o /dev/null http://10.255.255.1/ && echo reached || echo blocked',
        ),
      ).toBe('blocked');
    } finally {
      for (const { c } of results) c.end();
    }
    // Nothing of it reached the host.
    expect(readFileSync('/etc/hostname', 'utf8')).not.toMatch(/^vm-\d/);
    for (const [i, d] of shares.entries())
      expect(readFileSync(join(d, 'who'), 'utf8')).toBe(names[i]);
  });

  it('stops all eight and leaves nothing behind', async () => {
    const stops = await Promise.all(names.map((n) => sim.tart(['stop', n])));
    expect(stops.map((s) => s.code)).toEqual(names.map(() => 0));
    expect(await Promise.all(vms.map((v) => v.exited))).toEqual(names.map(() => 0));
    expect((await sim.tart(['delete', ...names])).code).toBe(0);
    expect(leftovers(sim.tartHome)).toEqual([]);
  });
});
