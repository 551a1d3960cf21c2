import type { SessionState } from '../../../shared/session';

const LABELS: Record<SessionState, string> = {
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  ended: 'Ended',
  failed: 'Failed',
  kept: 'Kept',
};

export function StateBadge({ state }: { state: SessionState }) {
  return <span className={`state-badge state-${state}`}>{LABELS[state]}</span>;
}
