// A session's ssh connection that drops (sshd restarted, the VM's network blipped) is made again:
// the faces' terminals hear that it was lost, the tunnel and the agent watcher move to the new
// connection, and the agent's terminal re-attaches to its tmux session (the agent never stopped).
import { setTimeout as sleep } from 'node:timers/promises';
import type { SshConnection } from '../host/ssh';
import type { SessionContext } from './context';

export interface ConnectionKeeperOptions {
  ctx: SessionContext;
  /** One connection attempt with its own deadline (connectSsh with the session's settings). */
  connect(signal: AbortSignal): Promise<SshConnection>;
  /** The session is being torn down: stop trying. */
  isStopping(): boolean;
  /** Whether the VM still runs; a VM that is gone will not answer again. */
  vmRunning(): Promise<boolean>;
  /** Tells every terminal of the session. */
  notice(text: string): void;
  /** The new connection is in place (re-start what watched the old one). */
  onReconnected(): void;
  signal: AbortSignal;
  retryDelayMs?: number;
}

export const LOST_NOTICE = 'Connection to the VM lost, reconnecting…';
export const BACK_NOTICE = 'Reconnected to the VM.';

export class ConnectionKeeper {
  private reconnecting: Promise<boolean> | null = null;

  constructor(private readonly o: ConnectionKeeperOptions) {
    this.watch();
  }

  /**
   * After a terminal's channel closed: the new connection when it closed because the connection
   * was lost (once it is back), or null when the channel simply ended (or it never comes back).
   */
  async lost(): Promise<SshConnection | null> {
    // ssh2 closes a dead connection's channels just before it reports the connection closed.
    await new Promise((resolve) => setImmediate(resolve));
    const ssh = this.o.ctx.live.ssh;
    if (!this.reconnecting && ssh && !ssh.closed) return null;
    const back = await (this.reconnecting ?? Promise.resolve(false));
    return back ? this.o.ctx.live.ssh : null;
  }

  private watch(): void {
    this.o.ctx.live.ssh?.onClose(() => {
      if (this.o.isStopping() || this.reconnecting) return;
      this.reconnecting = this.reconnect().finally(() => (this.reconnecting = null));
    });
  }

  private async reconnect(): Promise<boolean> {
    this.o.notice(LOST_NOTICE);
    const live = this.o.ctx.live;
    while (!this.o.isStopping()) {
      try {
        const ssh = await this.o.connect(this.o.signal);
        if (this.o.isStopping()) {
          await ssh.close();
          return false;
        }
        live.ssh = ssh;
        live.tunnel?.useConnection(ssh);
        live.mcpTunnels?.useConnection(ssh).catch(() => {});
        live.serviceTunnels?.useConnection(ssh).catch(() => {});
        this.watch();
        this.o.onReconnected();
        this.o.notice(BACK_NOTICE);
        return true;
      } catch {
        if (this.o.isStopping()) return false;
        if (!(await this.o.vmRunning().catch(() => true))) {
          this.o.notice('The VM has stopped; end the session (your work is in its copy).');
          return false;
        }
        await sleep(this.o.retryDelayMs ?? 1000);
      }
    }
    return false;
  }
}
