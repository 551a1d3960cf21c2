// The end of a session: keep (default) / merge / discard, with what is at stake (uncommitted
// files, commits ahead of the base branch). The host carries the decision out and refuses what
// would lose work; its answer (a conflict, a refused discard) is shown here, never swallowed.
import { useEffect, useRef } from 'react';
import type { OnExit } from '../../../shared/session';
import type { ExitPrompt, SessionStore } from '../store/sessions';
import { ProblemBox } from './ProblemBox';

const MAX_FILES = 12;

function Stakes({ prompt }: { prompt: ExitPrompt }) {
  const info = prompt.info;
  if (prompt.phase === 'loading') return <p className="dim">Looking at the session copy…</p>;
  if (!info) return null;
  const base = info.baseBranch ?? 'the base branch';
  const files = info.uncommittedFiles;
  const nothing = files.length === 0 && info.commitsAhead === 0;
  return (
    <div className="stakes">
      {info.branch && (
        <p>
          Branch <code>{info.branch}</code>
          {info.baseBranch && (
            <>
              {' '}
              from <code>{info.baseBranch}</code>
            </>
          )}
        </p>
      )}
      {nothing ? (
        <p>No changes: the session copy is the same as {base}.</p>
      ) : (
        <>
          {info.commitsAhead > 0 && (
            <p>
              <strong>
                {info.commitsAhead} commit{info.commitsAhead > 1 ? 's' : ''}
              </strong>{' '}
              ahead of {base}
            </p>
          )}
          {files.length > 0 && (
            <>
              <p>
                <strong>
                  {files.length} uncommitted file{files.length > 1 ? 's' : ''}
                </strong>{' '}
                (merge commits them first)
              </p>
              <ul className="file-list" aria-label="Uncommitted files">
                {files.slice(0, MAX_FILES).map((f) => (
                  <li key={f}>
                    <code>{f}</code>
                  </li>
                ))}
                {files.length > MAX_FILES && <li>… and {files.length - MAX_FILES} more</li>}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}

const DOING: Record<OnExit, string> = {
  keep: 'Stopping the VM and keeping the session copy…',
  merge: 'Stopping the VM and merging the work…',
  discard: 'Stopping the VM and discarding the session copy…',
};

export function ExitDialog({ store, prompt }: { store: SessionStore; prompt: ExitPrompt }) {
  const keepButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (prompt.phase === 'choose') keepButton.current?.focus();
    if (prompt.phase === 'result') closeButton.current?.focus();
  }, [prompt.phase]);

  const name = prompt.projectName;
  const base = prompt.info?.baseBranch ?? prompt.baseBranch;
  const title =
    prompt.phase === 'result'
      ? prompt.error
        ? 'Could not end the session'
        : prompt.result?.problem
          ? 'The session copy was kept'
          : 'Session ended, with problems'
      : prompt.reason === 'agent-exited'
        ? `Claude has exited in ${name}`
        : `End the session in ${name}?`;
  const busy = prompt.phase === 'stopping' || prompt.phase === 'loading';
  const refusedDiscard =
    prompt.phase === 'result' &&
    prompt.decision === 'discard' &&
    !prompt.force &&
    prompt.result?.problem != null;
  const worktree = prompt.worktreeDir;

  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="exit-dialog-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && prompt.phase === 'choose') {
            e.preventDefault();
            store.closePrompt();
          }
        }}
      >
        <h2 id="exit-dialog-title">{title}</h2>

        {prompt.phase !== 'result' && (
          <>
            <p>What should happen to its work? The VM is stopped and deleted in every case.</p>
            <Stakes prompt={prompt} />
          </>
        )}

        {prompt.phase === 'stopping' && prompt.decision && (
          <p className="busy" role="status">
            {DOING[prompt.decision]}
          </p>
        )}

        {prompt.error && <ProblemBox problem={prompt.error} />}

        {prompt.phase === 'result' && prompt.result && (
          <>
            {prompt.result.problem && <ProblemBox problem={prompt.result.problem} />}
            {prompt.result.outcome === 'kept' && worktree && (
              <p>
                The work is in <code>{worktree}</code>.
              </p>
            )}
            {prompt.result.teardownProblems.length > 0 && (
              <div className="teardown-problems">
                <p>Some cleanup did not finish (the rest did):</p>
                {prompt.result.teardownProblems.map((p, i) => (
                  <ProblemBox key={i} problem={p} level="warn" />
                ))}
              </div>
            )}
          </>
        )}

        <div className="modal-actions">
          {prompt.phase !== 'result' ? (
            <>
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => store.closePrompt()}
              >
                {prompt.reason === 'agent-exited' ? 'Decide later' : 'Cancel'}
              </button>
              <span className="spacer" />
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void store.decideExit('discard')}
              >
                Discard
              </button>
              <button type="button" disabled={busy} onClick={() => void store.decideExit('merge')}>
                {base ? `Merge into ${base}` : 'Merge'}
              </button>
              <button
                ref={keepButton}
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void store.decideExit('keep')}
              >
                Keep
              </button>
            </>
          ) : (
            <>
              <span className="spacer" />
              {refusedDiscard && (
                <button
                  type="button"
                  className="danger"
                  onClick={() => void store.decideExit('discard', true)}
                >
                  Discard anyway
                </button>
              )}
              <button
                ref={closeButton}
                type="button"
                className="primary"
                onClick={() => store.closePrompt()}
              >
                Close
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
