// The ledger entry exists before the VM runtime, Herd or the port allocator is even asked to make
// something, says "created" once it is made, and goes when the thing is removed.
import { describe, expect, it } from 'vitest';
import { PortAllocator } from '../../host/ports';
import { openDatabase } from '../../store/database';
import { LedgerRepository } from '../../store/ledger-repository';
import { createBackends } from '../../vm/backend-set';
import type { VmRuntime } from '../../vm/runtime';
import type { ProxyHost, SessionDeps } from '../deps';
import { recordingDeps } from './recording';

function setup() {
  const ledger = new LedgerRepository(openDatabase(':memory:'));
  const seen: string[] = [];
  const entry = (kind: 'vm' | 'proxy', name: string) =>
    ledger
      .list({ kind, name })
      .map((e) => e.state)
      .join(',') || 'none';
  const vms = {
    clone: async (_source: string, name: string) => void seen.push(`clone ${entry('vm', name)}`),
    delete: async () => {},
    exists: async () => false,
  } as unknown as VmRuntime;
  const proxies = {
    proxy: async (name: string) => (seen.push(`proxy ${entry('proxy', name)}`), 'http://x.test'),
    unproxy: async () => {},
  } as unknown as ProxyHost;
  const ports = new PortAllocator({ range: { from: 20_000, to: 20_100 } });
  const backends = createBackends(vms, null);
  const deps = recordingDeps(
    { vms, backends, proxies, ports, ledger } as unknown as SessionDeps,
    'a1b2c3d4',
  );
  return { deps, ledger, seen };
}

describe('recordingDeps', () => {
  it('writes the entry before making the thing, marks it made, and removes it with it', async () => {
    const { deps, ledger, seen } = setup();
    await deps.vms.clone('clave-base', 'clave-a1b2c3d4');
    await deps.proxies.proxy('shop-a1b2c3d4', 'http://127.0.0.1:20000', false);
    expect(seen).toEqual(['clone intended', 'proxy intended']);
    expect(ledger.list().map((e) => [e.kind, e.name, e.state, e.sessionId])).toEqual([
      ['vm', 'clave-a1b2c3d4', 'created', 'a1b2c3d4'],
      ['proxy', 'shop-a1b2c3d4', 'created', 'a1b2c3d4'],
    ]);
    expect(ledger.list({ kind: 'proxy' })[0]!.detail).toEqual({
      target: 'http://127.0.0.1:20000',
    });
    await deps.proxies.unproxy('shop-a1b2c3d4');
    await deps.vms.delete('clave-a1b2c3d4');
    expect(ledger.list()).toEqual([]);
  });

  it("says on a VM's entry which backend it is on, so cleanup asks that runtime", async () => {
    const { deps, ledger } = setup();
    await deps.vms.clone('clave-base', 'clave-a1b2c3d4');
    expect(ledger.list({ kind: 'vm' })[0]!.detail).toEqual({
      source: 'clave-base',
      backend: 'tart',
    });
  });

  it('a making that fails leaves its "intended" entry until the thing is seen gone', async () => {
    const { deps, ledger } = setup();
    const vms = { ...deps.vms, clone: () => Promise.reject(new Error('disk full')) };
    const failing = recordingDeps({ ...deps, backends: createBackends(vms, null) }, 'a1b2c3d4');
    await expect(failing.vms.clone('clave-base', 'clave-a1b2c3d4')).rejects.toThrow('disk full');
    expect(ledger.list({ kind: 'vm' })[0]?.state).toBe('intended');
    expect(await deps.vms.exists('clave-a1b2c3d4')).toBe(false);
    expect(ledger.list()).toEqual([]);
  });

  it('holds a port entry exactly as long as the port is held', async () => {
    const { deps, ledger } = setup();
    const lease = await deps.ports.allocate();
    expect(ledger.list({ kind: 'port' }).map((e) => e.name)).toEqual([String(lease.port)]);
    await lease.release();
    expect(ledger.list()).toEqual([]);
  });
});
