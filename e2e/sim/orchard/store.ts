// The controller's VM store: resources by name, a version bumped at every write, and per-VM
// watchers that see what internal/controller/store/badger/badger_watch.go sends: ADDED for the
// VM as it is when the watch starts (or when it is created later), MODIFIED at every write,
// DELETED (with Go's zero VM as the object) when it goes.
import { EventEmitter } from 'node:events';
import type { VM } from './resource';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchType;
  vm: VM | undefined;
}

export class VmStore {
  private readonly vms = new Map<string, VM>();
  private version = 0;
  private readonly events = new EventEmitter().setMaxListeners(0);

  get(name: string): VM | undefined {
    return this.vms.get(name);
  }

  list(): VM[] {
    return [...this.vms.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Writes the VM (creating it when new) and tells its watchers. */
  set(vm: VM): VM {
    const existed = this.vms.has(vm.name);
    const stored = { ...vm, version: ++this.version };
    this.vms.set(vm.name, stored);
    this.events.emit(vm.name, { type: existed ? 'MODIFIED' : 'ADDED', vm: stored });
    return stored;
  }

  /** Applies `change` to the current VM of that name and UID (a deleted or re-created VM is left alone). */
  update(name: string, uid: string, change: (vm: VM) => VM): VM | undefined {
    const vm = this.vms.get(name);
    if (!vm || vm.uid !== uid) return undefined;
    return this.set(change(vm));
  }

  delete(name: string): VM | undefined {
    const vm = this.vms.get(name);
    if (!vm) return undefined;
    this.vms.delete(name);
    this.version++;
    this.events.emit(name, { type: 'DELETED', vm: undefined });
    return vm;
  }

  /** Calls `on` with ADDED for the current VM (if any), then every later change; returns unsubscribe. */
  watch(name: string, on: (e: WatchEvent) => void): () => void {
    let known = this.vms.has(name);
    const listener = (e: WatchEvent) => {
      // A watch that started before the VM existed sees its creation as ADDED, as badger's does.
      if (e.type === 'DELETED') {
        if (!known) return;
        known = false;
      } else if (!known) {
        known = true;
        e = { ...e, type: 'ADDED' };
      }
      on(e);
    };
    this.events.on(name, listener);
    const current = this.vms.get(name);
    if (current) on({ type: 'ADDED', vm: current });
    return () => this.events.off(name, listener);
  }
}
