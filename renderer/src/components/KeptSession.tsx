// A kept session: its VM is gone, its copy and saved conversation wait. What it holds (branch,
// copy, age, disk use, whether the work is merged, conversation size) and what can be done:
// Resume (one VM, however often it is clicked), Merge / Discard (through the exit dialog's
// no-loss flow), and in the app Open in Editor / Reveal in Finder. A browser cannot open
// folders on the Mac, so there the copy's path is shown to copy instead.
import type { SessionSummary } from '../../../shared/session';
import { formatBytes } from '../../../shared/bytes';
import { formatElapsed } from '../format';
import type { SessionStore } from '../store/sessions';
import { syncNoteWords } from './orchard/SyncNote';

export function KeptSession({
  store,
  summary: s,
  resuming,
  now,
}: {
  store: SessionStore;
  summary: SessionSummary;
  resuming: boolean;
  now: number;
}) {
  const desktop = typeof window !== 'undefined' ? window.claveDesktop : undefined;
  const endedAt = s.endedAt ? Date.parse(s.endedAt) : null;
  const openFolder = (how: 'editor' | 'finder') =>
    void desktop?.openSessionFolder(s.id, how).then((problem) => {
      if (problem) store.notify('error', 'Could not open the session copy', problem);
    });
  return (
    <section className="kept-session" aria-label="Kept session">
      <p className="kept-note" role="status">
        The VM is gone; the session copy is kept at <code>{s.worktreeDir}</code>
        {s.hasUnmergedWork === null
          ? '.'
          : s.hasUnmergedWork
            ? ' and holds work not on the base branch yet.'
            : ' with no unmerged work.'}
      </p>
      <dl className="kept-facts">
        <dt>Branch</dt>
        <dd>
          <code>{s.branch ?? '—'}</code>
          {s.baseBranch && <span className="dim"> from {s.baseBranch}</span>}
        </dd>
        <dt>Copy</dt>
        <dd>
          <code className="kept-path">{s.worktreeDir ?? '—'}</code>
        </dd>
        <dt>Age</dt>
        <dd>
          {endedAt !== null ? `kept ${formatElapsed(now - endedAt)} ago` : '—'}
          <span className="dim"> (started {new Date(s.startedAt).toLocaleString()})</span>
        </dd>
        {s.backend === 'orchard' && (
          <>
            <dt>Last sync</dt>
            <dd>{syncNoteWords(s, now)}</dd>
          </>
        )}
        <dt>Disk use</dt>
        <dd>{s.diskBytes === null ? 'not measured' : formatBytes(s.diskBytes)}</dd>
        <dt>Work</dt>
        <dd>
          {s.hasUnmergedWork === null
            ? 'unknown'
            : s.hasUnmergedWork
              ? `not merged into ${s.baseBranch ?? 'the base branch'} yet`
              : 'nothing left to merge'}
        </dd>
        <dt>Conversation</dt>
        <dd>
          {s.transcriptBytes === null
            ? 'none saved: Resume starts Claude afresh'
            : `saved (${formatBytes(s.transcriptBytes)}): Resume continues it`}
        </dd>
      </dl>
      <div className="kept-actions">
        <button
          type="button"
          className="primary"
          disabled={resuming}
          onClick={() => void store.resume(s.id)}
        >
          {resuming ? 'Resuming…' : 'Resume'}
        </button>
        <button type="button" onClick={() => store.requestExit(s.id, 'user', 'merge')}>
          Merge…
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => store.requestExit(s.id, 'user', 'discard')}
        >
          Discard…
        </button>
        {desktop && s.worktreeDir && (
          <>
            <span className="spacer" />
            <button type="button" onClick={() => openFolder('editor')}>
              Open in Editor
            </button>
            <button type="button" onClick={() => openFolder('finder')}>
              Reveal in Finder
            </button>
          </>
        )}
      </div>
    </section>
  );
}
