// The network checks against real sockets on this machine.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Settings } from '../config/settings';
import { classifyConnectError, otherLocalAddresses, tcpProbe } from '../host/net-probe';
import { localNetworkCheck } from './local-network';
import { probeService, servicesCheck } from './services';
import { doctorContext } from './testing/context';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
async function listen(host: string): Promise<number> {
  const s = net.createServer((c) => c.end());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, host, r));
  return (s.address() as net.AddressInfo).port;
}
async function closedPort(): Promise<number> {
  const port = await listen('127.0.0.1');
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}
const signal = new AbortController().signal;
/** An address that is not this machine's (TEST-NET-1): the VM network does not exist. */
const NO_BRIDGE = '192.0.2.254';
const hasOtherAddress = otherLocalAddresses(NO_BRIDGE).length > 0;

describe('TCP probe', () => {
  it('tells an open port from a refused one, and names what macOS’s Local Network refusal looks like', async () => {
    expect(await tcpProbe('127.0.0.1', await listen('127.0.0.1'), 1000)).toEqual({ kind: 'open' });
    expect(await tcpProbe('127.0.0.1', await closedPort(), 1000)).toEqual({ kind: 'refused' });
    for (const code of ['EHOSTUNREACH', 'ENETUNREACH'])
      expect(classifyConnectError(code)).toEqual({ kind: 'blocked', code });
    expect(classifyConnectError('ETIMEDOUT')).toEqual({ kind: 'error', code: 'ETIMEDOUT' });
  });
});

describe('services check', () => {
  const svc = (port: number) => ({
    name: 'MySQL' as const,
    port,
    setting: 'bind-address = 0.0.0.0',
  });

  it('fails a service bound to 127.0.0.1 only, with the bind fix', async () => {
    const r = await probeService(svc(await listen('127.0.0.1')), NO_BRIDGE);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/listens on 127\.0\.0\.1 only: the VMs cannot reach it/);
    expect(r.fix).toMatch(
      /Herd → Settings → Services.*bind-address = 0\.0\.0\.0.*'192\.168\.64\.%'/,
    );
  });

  it.runIf(hasOtherAddress)('passes a service bound to every address', async () => {
    const r = await probeService(svc(await listen('0.0.0.0')), NO_BRIDGE);
    expect(r).toEqual({ status: 'ok', detail: expect.stringMatching(/listens on all addresses/) });
  });

  it('warns when nothing listens, and skips in vm mode', async () => {
    const r = await probeService(svc(await closedPort()), NO_BRIDGE);
    expect(r).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Start MySQL in Herd/) });
    const vm = doctorContext({ settings: Settings.parse({ services: { mode: 'vm' } }) });
    expect((await servicesCheck.run(vm, signal)).status).toBe('skip');
  });
});

describe('Local Network check', () => {
  it('applies to macOS 15 and later only', async () => {
    expect((await localNetworkCheck.run(doctorContext({ platform: 'linux' }), signal)).status).toBe(
      'skip',
    );
    const sonoma = doctorContext({ platform: 'darwin', osRelease: '23.6.0' });
    expect((await localNetworkCheck.run(sonoma, signal)).status).toBe('ok');
  });

  it('connects to a running VM’s ssh port; a refusal still proves the route', async () => {
    const sequoia = (addr: string) =>
      doctorContext({
        platform: 'darwin',
        osRelease: '24.1.0',
        gateway: NO_BRIDGE,
        vmAddresses: async () => [addr],
      });
    expect(await localNetworkCheck.run(sequoia('127.0.0.1'), signal)).toEqual({
      status: 'ok',
      detail: 'Clave reaches the VM network (127.0.0.1).',
    });
    const none = doctorContext({ platform: 'darwin', osRelease: '24.1.0', gateway: NO_BRIDGE });
    expect((await localNetworkCheck.run(none, signal)).detail).toMatch(/No VM is running/);
  });
});
