// The seam's shared wait, over a runtime whose address never comes: the VM's exit must win, with
// the runtime's reason when it has one.
import { describe, expect, it } from 'vitest';
import { HostError } from '../host/errors';
import type { VmExit, VmInstance, VmRuntime } from './runtime';
import { waitForEndpoint } from './wait';

/** `endpoint` waits until aborted, like `tart ip --wait` on a VM that never gets a lease. */
const slowRuntime: Pick<VmRuntime, 'endpoint'> = {
  endpoint: (_name, _port, { signal }) =>
    new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
    }),
};

function instance(exited: Promise<VmExit>): VmInstance {
  return {
    name: 'clave-x',
    pid: 1,
    worker: null,
    logFile: '/logs/clave-x.log',
    exited,
    stop: () => {},
    requestShutdown: () => false,
  };
}

describe('waitForEndpoint', () => {
  it('fails at once with the runtime’s reason when the VM ends first', async () => {
    const reason = new HostError({ code: 'tart.vm-limit', what: 'limit', why: 'two', fix: 'stop' });
    const vm = instance(Promise.resolve({ code: 1, error: reason }));
    await expect(waitForEndpoint(slowRuntime, vm, 22, { waitSeconds: 60 })).rejects.toBe(reason);
  });

  it('says the VM stopped while booting, with its log, when the runtime knows no reason', async () => {
    const vm = instance(Promise.resolve({ code: 0, error: null }));
    await expect(waitForEndpoint(slowRuntime, vm, 22, { waitSeconds: 60 })).rejects.toMatchObject({
      code: 'vm.exited',
      what: 'The VM clave-x stopped while booting',
      fix: 'See its log: /logs/clave-x.log',
    });
  });

  it('returns the address while the VM runs', async () => {
    const vm = instance(new Promise(() => {}));
    const runtime: Pick<VmRuntime, 'endpoint'> = {
      endpoint: async (_n, port) => ({ host: '192.168.64.9', port }),
    };
    expect(await waitForEndpoint(runtime, vm, 2222, { waitSeconds: 1 })).toEqual({
      host: '192.168.64.9',
      port: 2222,
    });
  });
});
