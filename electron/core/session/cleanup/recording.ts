// A session's view of the VM runtime, Herd and the port allocator that writes the ledger: an entry
// before each VM, proxy or port is made (so a crash mid-create still leaves proof it is Clave's),
// marked made after, removed when teardown removes the thing. Cleanup trusts only these entries.
import type { PortLease } from '../../host/ports';
import { recorded, recordingRuntime } from '../../vm/recording';
import type { SessionDeps } from '../deps';

export function recordingDeps(deps: SessionDeps, sessionId: string | null): SessionDeps {
  const { vms, proxies, ports, ledger } = deps;
  return {
    ...deps,
    vms: recordingRuntime(vms, ledger, sessionId),
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
