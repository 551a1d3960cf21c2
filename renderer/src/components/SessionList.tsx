// The sessions, newest last: project, branch, state, how far the start has come, elapsed time.
// ⌘1…9 select them in this order.
import type { SessionView } from '../store/sessions';
import { formatElapsed } from '../format';
import { StateBadge } from './StateBadge';

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
  shortcutPrefix,
}: {
  sessions: SessionView[];
  selectedId: string | null;
  now: number;
  onSelect(id: string): void;
  shortcutPrefix: string;
}) {
  if (!sessions.length) return null;
  return (
    <nav className="session-list" aria-label="Sessions">
      <ul>
        {sessions.map((s, i) => {
          const fraction = progressFraction(s);
          const branch = s.summary?.branch ?? s.summary?.baseBranch ?? null;
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`session-item${s.id === selectedId ? ' selected' : ''}`}
                aria-current={s.id === selectedId ? 'true' : undefined}
                data-session-id={s.id}
                onClick={() => onSelect(s.id)}
                title={i < 9 ? `${shortcutPrefix}${i + 1}` : undefined}
              >
                <span className="session-item-top">
                  <span className="session-item-name">{s.projectName || 'New session'}</span>
                  <StateBadge state={s.state} />
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
