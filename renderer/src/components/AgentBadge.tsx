// What the agent in a running session does, from Claude Code's own hooks. Needs-input stands out
// (the person is what it waits for); each state has its own look, and the time it has lasted.
import { AGENT_STATE_LABEL } from '../../../shared/attention';
import type { AgentStatus } from '../../../shared/session';
import '../attention/attention.css';
import { formatElapsed } from '../format';

export function AgentBadge({ agent, now }: { agent: AgentStatus; now?: number }) {
  const since = Date.parse(agent.since);
  const at = Number.isNaN(since) ? null : `since ${new Date(since).toLocaleTimeString()}`;
  const title = [at, agent.detail].filter(Boolean).join(' — ');
  return (
    <span
      className={`agent-badge agent-${agent.state}`}
      data-agent-state={agent.state}
      title={title || undefined}
    >
      {agent.state === 'needs-input' && (
        <span className="agent-mark" aria-hidden="true">
          !
        </span>
      )}
      {AGENT_STATE_LABEL[agent.state]}
      {now !== undefined && at && (
        <span className="agent-since"> · {formatElapsed(now - since)}</span>
      )}
    </span>
  );
}

/** The agent of a session that runs; null before Claude starts, and for any other session. */
export function liveAgent(view: { state: string; summary: { agent: AgentStatus | null } | null }) {
  return view.state === 'running' ? (view.summary?.agent ?? null) : null;
}
