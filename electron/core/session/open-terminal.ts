// A face's terminal into a running session: the agent's tmux (re-attached after a lost
// connection, since the agent lives on in tmux), a new login shell, or a command in /srv/project
// (with a PTY, or piped with stdout and stderr apart).
import type { TerminalKind } from '../../../shared/api';
import type { Client } from '../api/dispatch';
import { command, quote } from '../host/shell-quote';
import { channelExit, type SshConnection } from '../host/ssh';
import { ExecChannel } from '../host/ssh/exec-channel';
import type { AgentWatcher } from './agent-watcher';
import { attachTmuxCommand, PROJECT_DIR } from './guest/claude-config';
import { StepAbort } from './problem';
import type { ConnectionKeeper } from './reconnect';
import type { Terminals } from './terminals';

export interface TerminalRequest {
  sessionId: string;
  kind: TerminalKind;
  command?: string[];
  pty?: boolean;
  cols: number;
  rows: number;
}

/** What a running session holds for its agent's terminal (read when needed: it changes). */
export interface AgentSupport {
  keeper?: ConnectionKeeper;
  agent?: AgentWatcher;
}

/** Opens the terminal over `ssh`: the session's connection, null while it is not running. */
export async function openTerminal(
  terminals: Terminals,
  client: Client,
  ssh: SshConnection | null,
  session: AgentSupport,
  p: TerminalRequest,
): Promise<string> {
  if (!ssh) {
    throw new StepAbort({
      what: `Session ${p.sessionId} is not running yet`,
      fix: 'Wait until it has started.',
    });
  }
  const inProject = (cmd: string) => `cd ${quote(PROJECT_DIR)} && ${cmd}`;
  if (p.kind === 'exec') {
    if (!p.command?.length) throw new StepAbort({ what: 'exec needs a command' });
    // A login shell: the profile puts ~/.local/bin (where claude lives) on PATH.
    const cmd = command(['bash', '-lc', inProject(command(p.command))]);
    if (p.pty === false) {
      const exec = new ExecChannel(ssh, cmd);
      return terminals.attach(p.sessionId, client, exec, { exitCode: () => exec.exitCode });
    }
    const pty = await ssh.openPty({ command: cmd, cols: p.cols, rows: p.rows });
    return terminals.attach(p.sessionId, client, pty.channel, {
      exitCode: () => channelExit(pty.channel).code,
    });
  }
  const cmd = p.kind === 'agent' ? attachTmuxCommand() : inProject('exec bash -l');
  const open = (on: SshConnection) =>
    on.openPty({ command: cmd, cols: p.cols, rows: p.rows, env: { LANG: 'C.UTF-8' } });
  let pty = await open(ssh);
  return terminals.attach(p.sessionId, client, pty.channel, {
    exitCode: () => channelExit(pty.channel).code,
    ...(p.kind === 'agent'
      ? {
          beforeExit: async () => session.agent?.check(),
          // The agent lives on in tmux: after a lost connection, attach to it again.
          reopen: async () => {
            const back = await session.keeper?.lost();
            if (!back) return null;
            pty = await open(back);
            return pty.channel;
          },
        }
      : {}),
  });
}
