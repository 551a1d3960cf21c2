import type { Notice } from '../store/sessions';

export function Notices({
  notices,
  onDismiss,
  onShowSession,
}: {
  notices: Notice[];
  onDismiss(id: number): void;
  /** A notice about a session offers to show it (and goes once it did). */
  onShowSession?(sessionId: string): void;
}) {
  if (!notices.length) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div
          key={n.id}
          className={`notice notice-${n.level}`}
          role={n.level === 'error' ? 'alert' : 'status'}
        >
          <div>
            <div className="notice-text">{n.text}</div>
            {n.detail && <div className="notice-detail">{n.detail}</div>}
          </div>
          {n.sessionId && onShowSession && (
            <button
              type="button"
              className="notice-show"
              onClick={() => {
                onShowSession(n.sessionId!);
                onDismiss(n.id);
              }}
            >
              Show
            </button>
          )}
          <button type="button" aria-label="Dismiss" onClick={() => onDismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
