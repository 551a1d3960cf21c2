// macOS's Local Network privacy refuses a connection as "no route to host" (EHOSTUNREACH). Here
// that is a real refusal: a network namespace of our own (unshare -n, gone with its process)
// whose only route to the VMs' subnet is `unreachable`, and nothing at all to another one.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOCAL_NETWORK_SETTINGS } from './local-network';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

async function inRefusingNamespace(): Promise<Record<string, Record<string, unknown>>> {
  const child = path.join(__dirname, 'testing/refused-network-child.ts');
  const tsx = path.join(root, 'node_modules/tsx/dist/esm/index.mjs');
  const script = [
    'ip link set lo up',
    'ip route add unreachable 192.168.64.0/24',
    `exec "${process.execPath}" --import "${tsx}" "${child}" 192.168.64.7 10.99.0.1`,
  ].join(' && ');
  const { stdout } = await run('unshare', ['--net', 'sh', '-c', script], { timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, Record<string, unknown>>;
}

describe('a connection the network refuses', () => {
  it('is a Local Network problem from ssh, and "refused" from the probe', async () => {
    const r = await inRefusingNamespace();
    expect(r.ssh).toMatchObject({
      code: 'ssh.local-network-refused',
      what: 'Clave may not connect to the VM at 192.168.64.7',
      why: expect.stringContaining('EHOSTUNREACH'),
      fix: expect.stringContaining(LOCAL_NETWORK_SETTINGS),
    });
    expect(r.ssh!.fix).toMatch(/started from Terminal/);
    expect(r.ssh!.fix).not.toMatch(/booting/);
    // Retried until the deadline: the person may be answering macOS's prompt meanwhile.
    expect(r.ssh!.ms).toBeGreaterThanOrEqual(1400);
    expect(r.probe).toMatchObject({ state: 'refused', problem: { what: expect.any(String) } });
    // No route at all (ENETUNREACH) is refused alike.
    expect(r.probeNoRoute).toMatchObject({
      state: 'refused',
      problem: { why: expect.stringContaining('ENETUNREACH') },
    });
    // A port that answers "refused" means the network itself lets us through.
    expect(r.probeLoopback).toEqual({ state: 'allowed' });
  });
});
