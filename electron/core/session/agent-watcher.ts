// The agent runs in tmux in the VM; when its tmux session ends (the agent exited), the faces are
// told once, so they can ask what to do with the session.
import { agentAliveCommand } from './guest/claude-config';
import type { LiveResources } from './resources';

export class AgentWatcher {
  private notified = false;

  constructor(
    private readonly live: LiveResources,
    private readonly o: { isStopping(): boolean; exited(): void },
  ) {}

  /** Watches over the current connection (again after a reconnect); teardown stops it. */
  watch(): void {
    const ssh = this.live.ssh;
    if (!ssh) return;
    const ac = new AbortController();
    this.live.stopAgentWatch = () => ac.abort();
    const wait = `while ${agentAliveCommand()} 2>/dev/null; do sleep 1; done`;
    ssh
      .exec(wait, { timeoutMs: 2 ** 31 - 1, signal: ac.signal })
      .then(() => this.notify())
      .catch(() => {});
  }

  /** Looks now (the agent's terminal closed: maybe because the agent exited). */
  async check(): Promise<void> {
    const ssh = this.live.ssh;
    if (!ssh || ssh.closed) return;
    const r = await ssh.exec(agentAliveCommand(), { timeoutMs: 10_000 });
    if (r.code !== 0) this.notify();
  }

  private notify(): void {
    if (this.notified || this.o.isStopping()) return;
    this.notified = true;
    this.o.exited();
  }
}
