// A session's view of the VM host, Herd and the port allocator that writes the ledger: an entry
// before each VM, proxy or port is made (so a crash mid-create still leaves proof it is Clave's),
// marked made after, removed when teardown removes the thing. Cleanup trusts only these entries.
import type { PortLease } from '../../host/ports';
import type { LedgerDetail, LedgerKind, LedgerRepository } from '../../store/ledger-repository';
import type { SessionDeps } from '../deps';

/** Makes something under a ledger entry: written before, marked made after. */
export async function recorded<T>(
  ledger: LedgerRepository,
  entry: { kind: LedgerKind; name: string; sessionId: string | null; detail?: LedgerDetail },
  make: () => Promise<T>,
  madeDetail?: (made: T) => LedgerDetail,
): Promise<T> {
  const intent = ledger.intend(entry);
  const made = await make();
  ledger.created(intent.id, madeDetail?.(made));
  return made;
}

export function recordingDeps(deps: SessionDeps, sessionId: string | null): SessionDeps {
  const { vms, proxies, ports, ledger } = deps;
  return {
    ...deps,
    vms: {
      exists: async (name) => {
        const exists = await vms.exists(name);
        // Seen gone (a clone cut short, a VM deleted by hand): nothing left to clean up.
        if (!exists) forgetOwn(ledger, 'vm', name, sessionId);
        return exists;
      },
      clone: (source, name) =>
        recorded(ledger, { kind: 'vm', name, sessionId, detail: { source } }, () =>
          vms.clone(source, name),
        ),
      configure: (name, cfg) => vms.configure(name, cfg),
      start: (name, dir) => vms.start(name, dir),
      waitForIp: (name, seconds, signal) => vms.waitForIp(name, seconds, signal),
      stop: (name) => vms.stop(name),
      delete: async (name) => {
        await vms.delete(name);
        ledger.remove('vm', name);
      },
      list: () => vms.list(),
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

function forgetOwn(
  ledger: LedgerRepository,
  kind: LedgerKind,
  name: string,
  sessionId: string | null,
): void {
  for (const e of ledger.list({ kind, name }))
    if (e.sessionId === sessionId) ledger.removeEntry(e.id);
}
