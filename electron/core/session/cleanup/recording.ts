// A session's view of the VM runtime, Herd and the port allocator that writes the ledger: an entry
// before each VM, proxy or port is made (so a crash mid-create still leaves proof it is Clave's),
// marked made after, removed when teardown removes the thing. Cleanup trusts only these entries.
// A VM's entry says which backend it is on, so cleanup asks that runtime about it.
import type { BackendKind } from '../../../../shared/settings';
import type { PortLease } from '../../host/ports';
import { recorded, recordingRuntime } from '../../vm/recording';
import type { VmRuntime } from '../../vm/runtime';
import type { SessionDeps } from '../deps';

/**
 * `backend()` says which runtime the session uses now (it is chosen in preflight, so it is asked
 * on each use); each backend's recording runtime is made once.
 */
export function recordingDeps(
  deps: SessionDeps,
  sessionId: string | null,
  backend: () => BackendKind = () => 'tart',
): SessionDeps {
  const { proxies, ports, ledger } = deps;
  const runtimes = new Map<BackendKind, VmRuntime>();
  const runtimeOf = (kind: BackendKind): VmRuntime => {
    let r = runtimes.get(kind);
    if (!r) {
      r = recordingRuntime(deps.backends.runtime(kind), ledger, sessionId, { backend: kind });
      runtimes.set(kind, r);
    }
    return r;
  };
  return {
    ...deps,
    get vms() {
      return runtimeOf(backend());
    },
    proxies: {
      status: () => proxies.status(),
      proxy: (name, target, secure) =>
        recorded(ledger, { kind: 'proxy', name, sessionId, detail: { target } }, () =>
          proxies.proxy(name, target, secure),
        ),
      unproxy: async (name) => {
        await proxies.unproxy(name);
        ledger.remove('proxy', name);
      },
      proxies: () => proxies.proxies(),
    },
    ports: {
      // The range may change in settings while the host runs.
      get range() {
        return ports.range;
      },
      // A port is bound, not made: the OS frees it when this process ends. The entry says which
      // tunnel port a session held, which is how a proxy pointing at it is recognised.
      allocate: async (): Promise<PortLease> => {
        const lease = await ports.allocate();
        const entry = ledger.intend({ kind: 'port', name: String(lease.port), sessionId });
        ledger.created(entry.id);
        const forget = () => {
          try {
            ledger.removeEntry(entry.id);
          } catch {
            // The database closed first (the host is exiting): the next cleanup forgets it.
          }
        };
        lease.server.once('close', forget);
        if (!lease.server.listening) forget();
        return lease;
      },
    },
  };
}
