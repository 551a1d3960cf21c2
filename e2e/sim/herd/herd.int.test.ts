// The herd stand-in and its nginx stand-in: proxies reach a VM's web server through a Host header,
// secured sites redirect to https and present their own certificate, and "no Herd" is simulated by
// not installing it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimHost, type SimHost } from '../harness';
import type { HerdProxy } from './proxy-server';
import { sshConnect, sshExec } from '../ssh';
import { bootVM } from '../vm';

describe('herd stand-in with its proxy server', () => {
  let sim: SimHost;
  let proxy: HerdProxy;
  let upstream: Server;
  let upstreamPort = 0;
  let seen: IncomingHttpHeaders = {};

  beforeAll(async () => {
    sim = await createSimHost();
    proxy = await sim.startHerdProxy();
    upstream = createServer((req, res) => {
      seen = req.headers;
      res.end(`upstream saw ${req.url}`);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => upstream?.close(r));
    await sim?.cleanup();
  });

  it('is installed where Herd puts it, not on PATH', () => {
    expect(sim.herdBin && existsSync(sim.herdBin)).toBeTruthy();
    const which = spawnSync('sh', ['-c', 'command -v herd || echo none'], {
      env: sim.processEnv(),
      encoding: 'utf8',
    });
    expect(which.stdout).toBe('none\n');
  });

  it('forwards http://NAME.test with Valet’s proxy headers', async () => {
    expect((await sim.herd(['proxy', 'clave-h1', `http://127.0.0.1:${upstreamPort}`])).code).toBe(
      0,
    );
    const res = await proxy.fetch('http://clave-h1.test/some/path?q=1');
    expect(res).toMatchObject({ status: 200, body: 'upstream saw /some/path?q=1' });
    expect(seen.host).toBe('clave-h1.test');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-real-ip']).toBe('127.0.0.1');
    expect((await proxy.fetch('http://unknown.test/')).status).toBe(404);
  });

  it('serves --secure sites over https and redirects http to https', async () => {
    expect(
      (await sim.herd(['proxy', 'clave-h2', `http://127.0.0.1:${upstreamPort}`, '--secure'])).code,
    ).toBe(0);
    const redirect = await proxy.fetch('http://clave-h2.test/x');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('https://clave-h2.test/x');
    const res = await proxy.fetch('https://clave-h2.test/x');
    expect(res).toMatchObject({ status: 200, body: 'upstream saw /x' });
    expect(seen['x-forwarded-proto']).toBe('https');
  });

  it('after unproxy the site is gone', async () => {
    expect((await sim.herd(['unproxy', 'clave-h1'])).code).toBe(0);
    expect((await proxy.fetch('http://clave-h1.test/')).status).toBe(404);
  });

  it('reaches a VM’s web server the way Clave wires it', async () => {
    const share = mkdtempSync(join(sim.root, 'site-'));
    mkdirSync(join(share, 'public'));
    writeFileSync(join(share, 'public', 'index.html'), 'served by the VM\n');
    const vm = await bootVM(sim, 'herd-vm', { runArgs: [`--dir=${share}`] });
    const c = await sshConnect(vm.ip);
    await sshExec(c, 'sudo mount -t virtiofs com.apple.virtio-fs.automount /srv/project');
    c.end();
    await sim.herd(['proxy', 'clave-vm', `http://${vm.ip}:80`]);
    const res = await proxy.fetch('http://clave-vm.test/');
    expect(res).toMatchObject({ status: 200, body: 'served by the VM\n' });
    expect(res.headers['x-tart-sim-host']).toBe('ubuntu');
    vm.child.kill('SIGINT');
    expect(await vm.exited).toBe(0);
  });

  it('can be left out entirely ("Herd not installed")', async () => {
    const bare = await createSimHost({ herd: false });
    try {
      expect(bare.herdBin).toBeUndefined();
      expect(existsSync(join(bare.home, 'Library'))).toBe(false);
      const r = spawnSync('herd', ['tld'], { env: bare.processEnv() });
      expect((r.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT');
    } finally {
      await bare.cleanup();
    }
  });
});
