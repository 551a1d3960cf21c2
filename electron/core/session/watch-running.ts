// A running session is watched: its agent (tmux gone = exited), its hooks (the attention state,
// and after each turn the conversation saved and the VM's work brought back), and its ssh
// connection (made again when it drops). A VM that is gone for good is reported once.
import type { EventPayload } from '../../../shared/api';
import type { SessionSummary } from '../../../shared/session';
import type { SessionsRepository } from '../store/sessions-repository';
import { AgentWatcher } from './agent-watcher';
import { AgentAttention } from './attention/agent-attention';
import type { Live } from './live-session';
import { ConnectionKeeper } from './reconnect';
import { connectToVm } from './steps/connect-ssh';

export interface RunningHooks {
  sessions: SessionsRepository;
  updated(summary: SessionSummary): void;
  attention(e: EventPayload<'session.attention'>): void;
  agentExited(): void;
  /** An agent turn ended (Stop / StopFailure): save what a VM lost later would take along. */
  turnEnded(): void;
  notice(text: string): void;
  /** Its VM is gone and will not answer again (stopped, deleted, its worker lost): why, if known. */
  vmGone(why?: string): void;
  /** The session is being stopped (or this Live was replaced). */
  isStopping(): boolean;
}

export function watchRunning(live: Live, hooks: RunningHooks): void {
  const { ctx } = live;
  const attention = new AgentAttention(
    ctx.id,
    {
      sessions: hooks.sessions,
      updated: hooks.updated,
      attention: (e) => {
        hooks.attention(e);
        if (e.state === 'idle' || e.state === 'error') hooks.turnEnded();
      },
      log: (line) => console.warn(`clave: ${line}`),
    },
    live.abort.signal,
  );
  live.attention = attention;
  live.agent = new AgentWatcher(ctx.live, {
    isStopping: hooks.isStopping,
    exited: () => {
      attention.tmuxGone();
      hooks.agentExited();
    },
  });
  live.agent.watch();
  if (ctx.live.ssh) attention.follow(ctx.live.ssh);
  live.keeper = new ConnectionKeeper({
    ctx,
    signal: live.abort.signal,
    connect: (signal) => connectToVm(ctx, { label: 'Reconnect to the VM' }, 10_000, signal),
    isStopping: hooks.isStopping,
    vmRunning: async () => {
      const running = (await ctx.deps.vms.list()).some(
        (v) => v.name === ctx.state.vmName && v.running,
      );
      if (!running) hooks.vmGone();
      return running;
    },
    notice: hooks.notice,
    onReconnected: () => {
      live.agent?.watch();
      if (ctx.live.ssh) attention.follow(ctx.live.ssh);
    },
  });
  // A runtime that knows its VM ended (Orchard: failed, deleted, its worker lost) says so at once.
  void ctx.live.vm?.exited.then((exit) => {
    if (!hooks.isStopping())
      hooks.vmGone(exit.error ? `${exit.error.what}: ${exit.error.why}` : undefined);
  });
}
