// The VM runtime with Clave's ledger written around it: an entry before each clone (so a crash
// mid-create still leaves proof the VM is Clave's), marked made after, removed when the VM is
// deleted or renamed away. Sessions and provisioning both create VMs through this, so cleanup can
// trust the ledger alone, never a name pattern.
import type { LedgerDetail, LedgerKind, LedgerRepository } from '../store/ledger-repository';
import type { VmRuntime } from './runtime';

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

/**
 * `owner` is the session the VMs are for (null for provisioning), `detail` what else the entry
 * should say (a provision's pid, so cleanup leaves its VM alone while it runs).
 */
export function recordingRuntime(
  vms: VmRuntime,
  ledger: LedgerRepository,
  owner: string | null,
  detail: LedgerDetail = {},
): VmRuntime {
  return {
    kind: vms.kind,
    sharesFolders: vms.sharesFolders,
    list: () => vms.list(),
    exists: async (name) => {
      const exists = await vms.exists(name);
      // Seen gone (a clone cut short, a VM deleted by hand): nothing left to clean up.
      if (!exists) forgetOwn(ledger, 'vm', name, owner);
      return exists;
    },
    pull: (ref, options) => vms.pull(ref, options),
    clone: (source, name, options) =>
      recorded(ledger, { kind: 'vm', name, sessionId: owner, detail: { ...detail, source } }, () =>
        vms.clone(source, name, options),
      ),
    configure: (name, config, signal) => vms.configure(name, config, signal),
    rename: async (from, to) => {
      await vms.rename(from, to);
      // A temporary VM that became the base is no longer anything cleanup may remove.
      ledger.remove('vm', from);
    },
    unsharable: (path) => vms.unsharable(path),
    start: (name, options) => vms.start(name, options),
    endpoint: (name, port, options) => vms.endpoint(name, port, options),
    attach: (shell, folder, signal) => vms.attach(shell, folder, signal),
    collect: (shell, folder) => vms.collect(shell, folder),
    forwardPort: (ssh, options) => vms.forwardPort(ssh, options),
    stop: (name, timeoutSeconds) => vms.stop(name, timeoutSeconds),
    delete: async (name) => {
      await vms.delete(name);
      ledger.remove('vm', name);
    },
  };
}

/** Drops the entries `owner` holds for a thing seen gone. */
export function forgetOwn(
  ledger: LedgerRepository,
  kind: LedgerKind,
  name: string,
  owner: string | null,
): void {
  for (const e of ledger.list({ kind, name })) if (e.sessionId === owner) ledger.removeEntry(e.id);
}
