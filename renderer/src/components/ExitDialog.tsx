// The end of a session: keep (default) / merge (a merge commit, or squashed into one commit with
// an editable message) / discard, with what is at stake (files changed and their line counts,
// uncommitted files, commits ahead, whether the base moved on) and a way into the changes view. The host carries the decision out and refuses what
// would lose work; its answer (a conflict, a refused discard) is shown here, never swallowed.
import { useEffect, useRef } from 'react';
import type { OnExit } from '../../../shared/session';
import type { ExitPrompt, SessionStore } from '../store/sessions';
import { ExitSyncNote } from './orchard/SyncNote';
import { ProblemBox } from './ProblemBox';

const MAX_FILES = 12;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What is at stake: the facts the host measured, and a way to look before deciding. */
function Stakes({ store, prompt }: { store: SessionStore; prompt: ExitPrompt }) {
  const info = prompt.info;
  if (prompt.phase === 'loading') return <p className="dim">Looking at the session copy…</p>;
  if (!info) return null;
  const base = info.baseBranch ?? 'the base branch';
  const files = info.uncommittedFiles;
  const nothing = info.filesChanged === 0 && files.length === 0 && info.commitsAhead === 0;
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
          <p className="exit-facts">
            <strong>{plural(info.filesChanged, 'file')} changed</strong>{' '}
            <span className="add">+{info.additions}</span>{' '}
            <span className="del">−{info.deletions}</span>
            {' · '}
            <strong>{plural(info.commitsAhead, 'commit')}</strong> ahead of {base}
            {' · '}
            <strong>{files.length} uncommitted</strong>
          </p>
          {files.length > 0 && (
            <>
              <p>Uncommitted files (merge commits them first):</p>
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
      {info.baseMoved && (
        <p className="exit-base-moved">
          {base} has moved on since the session started: a merge combines both.
        </p>
      )}
      {!nothing && (
        <button
          type="button"
          className="link"
          onClick={() => {
            store.showChanges(prompt.sessionId);
            store.closePrompt();
          }}
        >
          Review the changes first
        </button>
      )}
    </div>
  );
}

/** Merge commit (as git does by default) or one commit with an editable message. */
function MergeStyle({ store, prompt }: { store: SessionStore; prompt: ExitPrompt }) {
  const info = prompt.info;
  if (!info || info.filesChanged + info.commitsAhead + info.uncommittedFiles.length === 0) {
    return null;
  }
  const disabled = prompt.phase !== 'choose';
  return (
    <fieldset className="merge-style" disabled={disabled}>
      <legend>If merged</legend>
      <label>
        <input
          type="radio"
          name="merge-style"
          checked={!prompt.squash}
          onChange={() => store.setSquash(false)}
        />{' '}
        Merge commit (keeps the session’s commits)
      </label>
      <label>
        <input
          type="radio"
          name="merge-style"
          checked={prompt.squash}
          onChange={() => store.setSquash(true)}
        />{' '}
        Squash into one commit
      </label>
      {prompt.squash && (
        <label className="squash-message">
          Commit message
          <textarea
            rows={4}
            value={prompt.message}
            placeholder="Made from the session’s commits when left empty"
            onChange={(e) => store.setSquash(true, e.target.value)}
          />
        </label>
      )}
    </fieldset>
  );
}

const DOING: Record<OnExit, string> = {
  keep: 'Stopping the VM and keeping the session copy…',
  merge: 'Stopping the VM and merging the work…',
  discard: 'Stopping the VM and discarding the session copy…',
};

export function ExitDialog({ store, prompt }: { store: SessionStore; prompt: ExitPrompt }) {
  const keepButton = useRef<HTMLButtonElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const discardButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const chosen = { keep: keepButton, merge: mergeButton, discard: discardButton };
    if (prompt.phase === 'choose') chosen[prompt.intent ?? 'keep'].current?.focus();
    if (prompt.phase === 'result') closeButton.current?.focus();
  }, [prompt.phase, prompt.intent]);

  const name = prompt.projectName;
  const base = prompt.info?.baseBranch ?? prompt.baseBranch;
  const title =
    prompt.phase === 'result'
      ? prompt.error
        ? 'Could not end the session'
        : prompt.result?.problem
          ? 'The session copy was kept'
          : 'The session did not finish stopping'
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
            <ExitSyncNote store={store} sessionId={prompt.sessionId} />
            <Stakes store={store} prompt={prompt} />
            <MergeStyle store={store} prompt={prompt} />
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
                <p>Some cleanup did not finish (the rest did). Once it is fixed, stop again:</p>
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
                ref={discardButton}
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void store.decideExit('discard')}
              >
                Discard
              </button>
              <button
                ref={mergeButton}
                type="button"
                disabled={busy}
                onClick={() => void store.decideExit('merge')}
              >
                {`${prompt.squash ? 'Squash' : 'Merge'} into ${base ?? 'the base branch'}`}
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
