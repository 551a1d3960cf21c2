// A session's changes against its base, live while open: the summary (files, +/−, whether the
// base moved on), the changed files, the selected file's diff, and the commits ahead. Mounting
// it asks the host to watch the copy; unmounting ends the watch.
import type { ClaveApi, Commit } from '../../../../shared/api';
import { useChanges } from '../../store/use-changes';
import { ProblemBox } from '../ProblemBox';
import { ChangesDiff } from './ChangesDiff';
import { ChangesFileList } from './ChangesFileList';
import './changes.css';

function Commits({ commits, base }: { commits: Commit[]; base: string }) {
  if (!commits.length) return <p className="changes-note dim">No commits ahead of {base}.</p>;
  return (
    <ol className="changes-commits" aria-label="Commits ahead">
      {commits.map((c) => (
        <li key={c.sha} title={c.body || undefined}>
          <code>{c.sha.slice(0, 7)}</code> <span className="changes-subject">{c.subject}</span>
          <span className="dim">
            {' '}
            — {c.author}, {new Date(c.date).toLocaleString()}
          </span>
          {c.body && <pre className="changes-commit-body">{c.body}</pre>}
        </li>
      ))}
    </ol>
  );
}

export function ChangesView({
  api,
  sessionId,
  onClose,
}: {
  api: ClaveApi;
  sessionId: string;
  onClose(): void;
}) {
  const [state, feed] = useChanges(api, sessionId);
  const c = state.changes;
  const base = c?.base.branch ?? 'the base';
  const selected = c?.files.find((f) => f.path === state.selectedPath) ?? null;
  return (
    <section className="changes-view" aria-label="Changes">
      <header className="changes-header">
        <h3>Changes</h3>
        {c && (
          <span className="changes-summary" role="status">
            {c.files.length === 0
              ? `No changes against ${base}`
              : `${c.files.length}${c.truncated ? '+' : ''} file${c.files.length > 1 ? 's' : ''} changed against ${base}`}
            {c.files.length > 0 && (
              <>
                {' · '}
                <span className="add">+{c.additions}</span>{' '}
                <span className="del">−{c.deletions}</span>
              </>
            )}
            {' · '}
            {c.commits.length} commit{c.commits.length === 1 ? '' : 's'} ahead
          </span>
        )}
        {c?.base.moved && (
          <span className="changes-moved" title="Merging will combine both">
            {base} has moved on since the session started
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {state.error && (
        <div className="changes-error">
          <ProblemBox problem={state.error} title="Could not read the changes" />
          <button type="button" onClick={() => feed.retry()}>
            Try again
          </button>
        </div>
      )}
      {state.loading && !c && <p className="changes-note dim">Reading the session copy…</p>}
      {c && (
        <div className="changes-body">
          <div className="changes-side">
            <ChangesFileList
              files={c.files}
              truncated={c.truncated}
              selectedPath={state.selectedPath}
              onSelect={(p) => feed.select(p)}
            />
            <h4>Commits ahead of {base}</h4>
            <Commits commits={c.commits} base={base} />
          </div>
          <ChangesDiff
            file={selected}
            diff={state.diff}
            loading={state.diffLoading}
            error={state.diffError}
          />
        </div>
      )}
    </section>
  );
}
