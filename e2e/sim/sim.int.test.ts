// The simulated host's acceptance test: four VMs at once, each a real isolated guest reachable
// with ssh2, with its own address, the NAT gateway, its own /srv/project share and a web server;
// after stop + delete nothing is left on the host.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_IP } from './config';
import { createSimHost, type SimHost } from './harness';
import { leftovers } from './leaks';
import { sshConnect, sshExec } from './ssh';
import { bootVM, type RunningVM } from './vm';

function httpGet(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('simulated VM host: four VMs in parallel', () => {
  let sim: SimHost;
  const shares: string[] = [];
  let vms: RunningVM[] = [];

  beforeAll(async () => {
    sim = await createSimHost();
  });

  afterAll(async () => {
    await sim?.cleanup();
  });

  it('boots 4 VMs at once; each has its own address, the gateway, its share and a web server', async () => {
    const names = ['par-a', 'par-b', 'par-c', 'par-d'];
    for (const n of names) {
      const dir = mkdtempSync(join(sim.root, `share-${n}-`));
      mkdirSync(join(dir, 'public'));
      writeFileSync(join(dir, 'public', 'index.html'), `<h1>hello from ${n}</h1>\n`);
      writeFileSync(join(dir, 'owner.txt'), n);
      shares.push(dir);
    }
    const started = Date.now();
    vms = await Promise.all(
      names.map((n, i) => bootVM(sim, n, { runArgs: [`--dir=${shares[i]}`] })),
    );
    const bootMs = Date.now() - started;
    expect(new Set(vms.map((v) => v.ip)).size).toBe(4);
    for (const v of vms) expect(v.ip).toMatch(/^192\.168\.64\.(\d+)$/);

    await Promise.all(
      vms.map(async (vm, i) => {
        const c = await sshConnect(vm.ip);
        try {
          const addr = await sshExec(c, "ip -4 -o addr show eth0 | awk '{print $4}'");
          expect(addr.stdout.trim()).toBe(`${vm.ip}/24`);
          const route = await sshExec(c, "ip route | grep default | awk '{print $3}'");
          expect(route.stdout.trim()).toBe(GATEWAY_IP);
          const mount = await sshExec(
            c,
            'sudo mount -t virtiofs com.apple.virtio-fs.automount /srv/project',
          );
          expect(mount).toMatchObject({ code: 0, stderr: '' });
          const owner = await sshExec(c, 'cat /srv/project/owner.txt');
          expect(owner.stdout).toBe(names[i]);
          // The guest user writes into the share; the file lands in this VM's host directory only.
          expect(
            (await sshExec(c, `echo written-by-${names[i]} > /srv/project/from-guest.txt`)).code,
          ).toBe(0);
          // The web server on the VM's port 80 serves /srv/project/public.
          const local = await sshExec(c, 'curl -s http://127.0.0.1/');
          expect(local.stdout).toContain(`hello from ${names[i]}`);
        } finally {
          c.end();
        }
        const res = await httpGet(`http://${vm.ip}/`);
        expect(res).toEqual({ status: 200, body: `<h1>hello from ${names[i]}</h1>\n` });
      }),
    );
    shares.forEach((dir, i) => {
      expect(readFileSync(join(dir, 'from-guest.txt'), 'utf8')).toBe(`written-by-${names[i]}\n`);
    });
    console.log(`4 VMs: clone+run+ip in ${bootMs} ms`);
  });

  it('stops and deletes them all, leaving nothing behind', async () => {
    const stops = await Promise.all(vms.map((v) => sim.tart(['stop', v.name])));
    for (const s of stops) expect(s).toMatchObject({ code: 0, stderr: '' });
    for (const v of vms) expect(await v.exited).toBe(0);
    const del = await sim.tart(['delete', ...vms.map((v) => v.name)]);
    expect(del).toMatchObject({ code: 0, stderr: '' });
    const list = await sim.tart(['list', '--source', 'local', '--quiet']);
    expect(list.stdout).toBe('');
    expect(leftovers(sim.tartHome)).toEqual([]);
  });
});
