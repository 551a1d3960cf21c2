// The sessions, newest last: project (marked when on Orchard), branch, state (the agent's, once
// Claude runs), an unread dot, how far the start has come, elapsed time. ⌘1…9 select them in this
// order, which stays put when an agent starts asking; the ones that need you are marked and
// reached from the top.
import { needsYou } from '../../../shared/attention';
import type { SessionView } from '../store/sessions';
import { formatElapsed } from '../format';
import { AgentBadge, liveAgent } from './AgentBadge';
import { StateBadge } from './StateBadge';
import './orchard/orchard.css';

export function progressFraction(s: SessionView): number | null {
  if (s.state !== 'starting') return null;
  const steps = s.pipelines.flatMap((p) => p.steps);
  if (!steps.length) return 0;
  return steps.filter((st) => st.status === 'done').length / steps.length;
}

export function SessionList({
  sessions,
  selectedId,
  now,
  onSelect,
  onFocusAgent,
  isUnread,
  shortcutPrefix,
}: {
  sessions: SessionView[];
  selectedId: string | null;
  now: number;
  onSelect(id: string): void;
  /** To a session that needs you, straight onto its agent's terminal. */
  onFocusAgent(id: string): void;
  isUnread(s: SessionView): boolean;
  shortcutPrefix: string;
}) {
  if (!sessions.length) return null;
  const needing = sessions.filter((s) => s.summary && needsYou(s.summary));
  const next = needing.find((s) => s.id !== selectedId) ?? needing[0];
  return (
    <nav className="session-list" aria-label="Sessions">
      {next && (
        <button type="button" className="needs-you-jump" onClick={() => onFocusAgent(next.id)}>
          <span className="agent-mark" aria-hidden="true">
            !
          </span>
          {needing.length} need{needing.length === 1 ? 's' : ''} you — show {next.projectName}
        </button>
      )}
      <ul>
        {sessions.map((s, i) => {
          const fraction = progressFraction(s);
          const branch = s.summary?.branch ?? s.summary?.baseBranch ?? null;
          const agent = liveAgent(s);
          const unread = isUnread(s);
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`session-item${s.id === selectedId ? ' selected' : ''}${
                  agent?.state === 'needs-input' ? ' needs-you' : ''
                }`}
                aria-current={s.id === selectedId ? 'true' : undefined}
                data-session-id={s.id}
                onClick={() => onSelect(s.id)}
                title={i < 9 ? `${shortcutPrefix}${i + 1}` : undefined}
              >
                <span className="session-item-top">
                  <span className="session-item-name">
                    {unread && <span className="unread-dot" role="img" aria-label="unread" />}
                    {s.projectName || 'New session'}
                    {s.summary?.backend === 'orchard' && (
                      <span
                        className="backend-mark"
                        title={`On Orchard${s.summary.worker ? `, worker ${s.summary.worker}` : ''}`}
                      >
                        Orchard
                      </span>
                    )}
                  </span>
                  {agent ? <AgentBadge agent={agent} /> : <StateBadge state={s.state} />}
                </span>
                <span className="session-item-meta">
                  <span className="session-item-branch">{branch ?? s.id}</span>
                  <span className="session-item-elapsed">
                    {formatElapsed((s.endedAt ?? now) - s.startedAt)}
                  </span>
                </span>
                {fraction !== null && (
                  <span className="mini-progress" aria-hidden="true">
                    <span style={{ width: `${Math.round(fraction * 100)}%` }} />
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
