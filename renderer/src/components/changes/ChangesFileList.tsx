// The files that differ from the base: status, +/−, renames old → new, binary and uncommitted
// marked. Drawn a page at a time so a copy with thousands of changed files stays quick; the
// host's own cap ("more than are listed") is said, not hidden.
import { useState, type KeyboardEvent } from 'react';
import type { ChangedFile } from '../../../../shared/api';

export const FILES_PAGE = 200;

const STATUS: Record<ChangedFile['status'], { letter: string; label: string }> = {
  added: { letter: 'A', label: 'added' },
  modified: { letter: 'M', label: 'modified' },
  deleted: { letter: 'D', label: 'deleted' },
  renamed: { letter: 'R', label: 'renamed' },
  copied: { letter: 'C', label: 'copied' },
  typechange: { letter: 'T', label: 'type changed' },
  untracked: { letter: 'U', label: 'new, not tracked by git yet' },
};

function Counts({ file }: { file: ChangedFile }) {
  if (file.binary || file.additions === null || file.deletions === null) {
    return <span className="changes-binary">binary</span>;
  }
  return (
    <span className="changes-counts">
      <span className="add">+{file.additions}</span> <span className="del">−{file.deletions}</span>
    </span>
  );
}

export function ChangesFileList({
  files,
  truncated,
  selectedPath,
  onSelect,
}: {
  files: ChangedFile[];
  truncated: boolean;
  selectedPath: string | null;
  onSelect(path: string): void;
}) {
  const [shown, setShown] = useState(FILES_PAGE);
  const page = files.slice(0, shown);
  const rest = files.length - page.length;
  // ↑/↓ step through the files, so a review needs no mouse.
  const step = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const at = page.findIndex((f) => f.path === selectedPath);
    const next =
      page[Math.max(0, Math.min(page.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (!next || next.path === selectedPath) return;
    onSelect(next.path);
    e.currentTarget.querySelectorAll('button')[page.indexOf(next)]?.focus();
  };
  return (
    <div className="changes-files">
      <ul aria-label="Changed files" onKeyDown={step}>
        {page.map((f) => {
          const s = STATUS[f.status];
          return (
            <li key={f.path}>
              <button
                type="button"
                className={`changes-file${f.path === selectedPath ? ' selected' : ''}`}
                aria-current={f.path === selectedPath ? 'true' : undefined}
                onClick={() => onSelect(f.path)}
                title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
              >
                <span className={`changes-status status-${f.status}`} title={s.label}>
                  {s.letter}
                </span>
                <span className="changes-path">
                  {f.oldPath && <span className="dim">{f.oldPath} → </span>}
                  {f.path}
                </span>
                {f.uncommitted && (
                  <span className="changes-uncommitted" title="Not committed yet">
                    uncommitted
                  </span>
                )}
                <Counts file={f} />
              </button>
            </li>
          );
        })}
      </ul>
      {rest > 0 && (
        <button
          type="button"
          className="changes-more"
          onClick={() => setShown((n) => n + FILES_PAGE)}
        >
          Show {Math.min(rest, FILES_PAGE)} more ({rest} not shown)
        </button>
      )}
      {truncated && (
        <p className="changes-note warn" role="note">
          More files changed than are listed: these are the first {files.length}.
        </p>
      )}
    </div>
  );
}
