// The live resources one session holds in this process; teardown releases each of them.
import type { PortLease } from '../host/ports';
import type { PortTunnel, SshConnection } from '../host/ssh';
import type { VmInstance } from '../vm/runtime';
import type { McpTunnels } from './mcp-tunnels';

export interface LiveResources {
  vm: VmInstance | null;
  ssh: SshConnection | null;
  portLease: PortLease | null;
  tunnel: PortTunnel | null;
  /** Reverse tunnels to the MCP servers on this Mac's localhost. */
  mcpTunnels: McpTunnels | null;
  /** Reverse tunnels to this Mac's MySQL/Redis (services `tunnel`). */
  serviceTunnels: McpTunnels | null;
  /** Stops watching for the agent's exit. */
  stopAgentWatch: (() => void) | null;
}

export function emptyResources(): LiveResources {
  return {
    vm: null,
    ssh: null,
    portLease: null,
    tunnel: null,
    mcpTunnels: null,
    serviceTunnels: null,
    stopAgentWatch: null,
  };
}
