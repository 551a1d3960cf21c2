// Before an Orchard session's work is kept, merged or discarded: how old the session copy's view
// of the VM's work is. The copy is what survives; on Orchard it is as new as the last sync.
import type { SessionSummary } from '../../../../shared/session';
import { useNow, useStoreState } from '../../store/hooks';
import type { SessionStore } from '../../store/sessions';
import { lastSyncWords } from './words';

export function ExitSyncNote({ store, sessionId }: { store: SessionStore; sessionId: string }) {
  const { sessions } = useStoreState(store);
  const s = sessions.find((v) => v.id === sessionId)?.summary;
  const now = useNow(1000);
  if (s?.backend !== 'orchard') return null;
  return (
    <p className="sync-note" role="note" aria-label="Last sync">
      {syncNoteWords(s, now)}
    </p>
  );
}

export function syncNoteWords(s: SessionSummary, now: number): string {
  const last = lastSyncWords(s, now);
  return s.state === 'kept'
    ? `${last}: the copy holds the Orchard VM’s work up to then.`
    : `${last} from the Orchard VM. Keep, Merge and Discard first bring over its work since then, while the VM answers; if it is lost, the copy has the work up to the last sync.`;
}
