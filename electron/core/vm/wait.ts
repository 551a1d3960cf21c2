// "Wait for the VM's address, unless it died": a VM that cannot start (a VM-count limit, a crash)
// must fail at once with its runtime's reason, not look like a slow DHCP lease.
import { HostError } from '../host/errors';
import type { GuestEndpoint, VmInstance, VmRuntime } from './runtime';

export class VmExitedError extends HostError<'vm.exited'> {}

/** The error a VM's early exit is reported as: the runtime's reason, else a plain one. */
export function exitError(vm: VmInstance, code: number | null): VmExitedError {
  return new VmExitedError({
    code: 'vm.exited',
    what: `The VM ${vm.name} stopped while booting`,
    why: `It ended (exit ${code ?? 'unknown'}) before it had a network address.`,
    fix: `See its log: ${vm.logFile}`,
  });
}

/**
 * Where `guestPort` of a booting VM is reached, waiting up to `waitSeconds`; rejects as soon as
 * the VM stops, with why it stopped.
 */
export async function waitForEndpoint(
  runtime: Pick<VmRuntime, 'endpoint'>,
  vm: VmInstance,
  guestPort: number,
  options: { waitSeconds: number; signal?: AbortSignal },
): Promise<GuestEndpoint> {
  const died = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, died.signal]) : died.signal;
  const exitedFirst = vm.exited.then((exit) => {
    died.abort();
    throw exit.error ?? exitError(vm, exit.code);
  });
  exitedFirst.catch(() => {});
  try {
    return await Promise.race([
      runtime.endpoint(vm.name, guestPort, { waitSeconds: options.waitSeconds, signal }),
      exitedFirst,
    ]);
  } catch (error) {
    // The wait was cancelled because the VM ended: report why it ended instead.
    if (died.signal.aborted) return exitedFirst;
    throw error;
  }
}
