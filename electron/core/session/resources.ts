// The live resources one session holds in this process; teardown releases each of them.
import type { PortLease } from '../host/ports';
import type { SshConnection, Tunnel } from '../host/ssh';
import type { VmInstance } from '../vm/runtime';

export interface LiveResources {
  vm: VmInstance | null;
  ssh: SshConnection | null;
  portLease: PortLease | null;
  tunnel: Tunnel | null;
  /** Stops watching for the agent's exit. */
  stopAgentWatch: (() => void) | null;
}

export function emptyResources(): LiveResources {
  return { vm: null, ssh: null, portLease: null, tunnel: null, stopAgentWatch: null };
}
