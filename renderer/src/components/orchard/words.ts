// Where a session runs and where its MySQL/Redis are, in the words the window uses everywhere.
import type { ServicesMode, SessionBackend, SessionSummary } from '../../../../shared/session';
import { formatAgo } from '../../format';

/** The choice's labels ("Run on: This Mac / Orchard"). */
export const BACKEND_WORDS: Record<SessionBackend, string> = {
  tart: 'This Mac',
  orchard: 'Orchard',
};

/** Mid-sentence ("Runs on this Mac"). */
export const RUNS_ON: Record<SessionBackend, string> = {
  tart: 'this Mac',
  orchard: 'Orchard',
};

export const SERVICES_WORDS: Record<ServicesMode, string> = {
  host: 'this Mac’s, through the VM’s gateway',
  vm: 'inside the VM',
  tunnel: 'this Mac’s, through ssh tunnels from the VM',
};

/** Orchard copies travel by git: when the VM's work last reached the session copy. */
export function lastSyncWords(s: Pick<SessionSummary, 'syncedAt'>, now: number): string {
  return s.syncedAt ? `Last synced ${formatAgo(s.syncedAt, now)}` : 'Not synced yet';
}
