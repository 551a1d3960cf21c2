// Resume 3 (after RunClaudeCode): Claude refuses a conversation it cannot resume ("No
// conversation found with session ID", e.g. a transcript from another Claude version) by exiting
// at once, which ends its tmux session. If that happens within the grace time, the agent starts
// again with a new conversation, and the session says so.
import { agentAliveCommand } from '../guest/claude-config';
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import { runClaudeCode } from './run-claude-code';

/** Real Claude 2.1.332 refuses within about a second of starting; the simulated one sooner. */
export const RESUME_GRACE_MS = 5_000;
const POLL_MS = 250;

/** Exits 0 when the agent lived through the whole grace time, 1 as soon as it is gone. */
export function survivesCommand(graceMs = RESUME_GRACE_MS): string {
  const polls = Math.ceil(graceMs / POLL_MS);
  return `for i in $(seq ${polls}); do ${agentAliveCommand()} 2>/dev/null || exit 1; sleep ${POLL_MS / 1000}; done`;
}

export const confirmResume: Step<SessionContext> = {
  name: 'confirm-resume',
  label: 'Check Claude resumed the conversation',
  async run(ctx, progress) {
    const sid = ctx.resumeConversation;
    if (!sid) return;
    const ssh = need(ctx, 'ssh', confirmResume);
    const r = await ssh.exec(survivesCommand(), {
      timeoutMs: RESUME_GRACE_MS + 15_000,
      signal: ctx.signal,
    });
    if (r.code === 0) return;
    progress.warn({
      what: 'Resumed without the earlier conversation: Claude refused it',
      why: `\`claude --resume ${sid}\` exited at once (a conversation saved by another Claude Code version may not resume).`,
      fix: 'Claude starts a new conversation in the same session copy: the work is all there.',
    });
    ctx.resumeConversation = null;
    // The next save picks the new conversation up from the VM.
    ctx.deps.sessions.update(ctx.id, { claudeSessionId: null });
    await runClaudeCode.run(ctx, progress);
  },
};
