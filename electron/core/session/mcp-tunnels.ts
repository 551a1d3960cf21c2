// A session's reverse tunnels to servers on this Mac's localhost: the MCP servers (guest/mcp.ts),
// and the Mac's MySQL/Redis for a VM that cannot reach this Mac otherwise (Orchard with host
// services). One per port on the session's ssh connection, made again on each new connection (a
// reconnect, a re-attach after a host restart) and closed at teardown. What is live is reported,
// so the record says which servers the VM can reach right now (`mcpTunnels`, `services`).
import type { McpTunnel, Problem } from '../../../shared/session';
import type { ReverseForward, SshConnection } from '../host/ssh';
import type { CarriedMcpServer } from './guest/mcp';

/** A server of this Mac the VM reaches at guestHost:port. */
export type ReverseTarget = Pick<CarriedMcpServer, 'name' | 'port' | 'macHost' | 'guestHost'>;
import { toProblem } from './problem';

export interface McpTunnelsReport {
  live: McpTunnel[];
  problems: Problem[];
}

export class McpTunnels {
  private forwards: ReverseForward[] = [];
  private closed = false;
  private opening: Promise<void> = Promise.resolve();

  constructor(
    private readonly servers: readonly ReverseTarget[],
    /** Called after each (re)opening with what is live and what could not be. */
    private readonly report: (r: McpTunnelsReport) => void,
    /** What the servers are, in a problem's words. */
    private readonly kind = 'MCP server',
  ) {}

  /** Opens every port on `ssh` (the forwards of an earlier connection died with it). */
  useConnection(ssh: SshConnection): Promise<void> {
    this.opening = this.opening.then(() => this.open(ssh));
    return this.opening;
  }

  private async open(ssh: SshConnection): Promise<void> {
    if (this.closed) return;
    await this.closeForwards();
    const ports = [...new Map(this.servers.map((s) => [s.port, s])).values()];
    const live: McpTunnel[] = [];
    const problems: Problem[] = [];
    for (const server of ports) {
      try {
        const forward = await ssh.forwardIn(
          server.port,
          { host: server.macHost, port: server.port },
          server.guestHost,
        );
        if (this.closed) {
          await forward.close();
          return;
        }
        this.forwards.push(forward);
        for (const s of this.servers) {
          if (s.port === server.port) live.push({ name: s.name, port: s.port });
        }
      } catch (e) {
        const names = this.servers.filter((s) => s.port === server.port).map((s) => s.name);
        const p = toProblem(e);
        problems.push({
          what: `The VM cannot reach ${this.kind} ${names.join(', ')} (port ${server.port})`,
          why: [p.what, p.why].filter(Boolean).join(': '),
          fix: p.fix ?? 'Free the port in the VM and restart the session.',
        });
      }
    }
    if (!this.closed) this.report({ live, problems });
  }

  private async closeForwards(): Promise<void> {
    const forwards = this.forwards;
    this.forwards = [];
    await Promise.all(forwards.map((f) => f.close()));
  }

  /** Stop forwarding; nothing opens again. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.opening.catch(() => {});
    await this.closeForwards();
  }
}
