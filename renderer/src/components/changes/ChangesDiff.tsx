// The selected file's diff, highlighted by a maintained viewer (react-diff-view). A big diff is
// drawn in slices of lines (more on request) and highlighted only while it is small enough to
// stay quick; a binary or truncated diff says so instead of dumping or hiding it.
import { useMemo, useState } from 'react';
import { Diff, Hunk, parseDiff, tokenize, type FileData, type HunkData } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import type { ChangedFile, FileDiff } from '../../../../shared/api';
import type { Problem } from '../../../../shared/session';
import { formatBytes } from '../../../../shared/bytes';
import { ProblemBox } from '../ProblemBox';
import { highlightOptions } from './highlight';

/** Lines drawn at first, and added by each "show more". */
export const DIFF_LINES_STEP = 1500;
/** Past this many characters the diff is drawn plain: highlighting would stall the window. */
export const HIGHLIGHT_MAX_CHARS = 200_000;

/** git's text, cut to whole lines when the host truncated it (a cut hunk header is dropped). */
function parse(diff: FileDiff): FileData | null {
  let text = diff.diff;
  if (diff.truncated) {
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
    while (lines.length && (lines.at(-1) === '' || lines.at(-1)!.startsWith('@@'))) lines.pop();
    text = lines.join('\n') + '\n';
  }
  try {
    return parseDiff(text)[0] ?? null;
  } catch {
    return null;
  }
}

/** The first `max` lines of the hunks (a hunk cut part-way keeps its header). */
export function sliceHunks(hunks: HunkData[], max: number): { hunks: HunkData[]; total: number } {
  const total = hunks.reduce((n, h) => n + h.changes.length, 0);
  const out: HunkData[] = [];
  let left = max;
  for (const h of hunks) {
    if (left <= 0) break;
    out.push(h.changes.length <= left ? h : { ...h, changes: h.changes.slice(0, left) });
    left -= h.changes.length;
  }
  return { hunks: out, total };
}

function DiffBody({ file, diff }: { file: ChangedFile; diff: FileDiff }) {
  const parsed = useMemo(() => parse(diff), [diff]);
  const [limit, setLimit] = useState(DIFF_LINES_STEP);
  const shown = useMemo(() => sliceHunks(parsed?.hunks ?? [], limit), [parsed, limit]);
  const tokens = useMemo(() => {
    const options = highlightOptions(file.path);
    if (!options || diff.diff.length > HIGHLIGHT_MAX_CHARS || !shown.hunks.length) return null;
    try {
      return tokenize(shown.hunks, options);
    } catch {
      return null; // drawn plain: a grammar that chokes must not hide the diff
    }
  }, [file.path, diff.diff.length, shown.hunks]);

  if (!parsed) {
    return (
      <>
        <p className="changes-note">
          This diff could not be read as git’s format; here it is as text.
        </p>
        <pre className="changes-raw">{diff.diff.slice(0, 200_000)}</pre>
      </>
    );
  }
  if (!parsed.hunks.length) {
    return <p className="changes-note">No line changes (renamed, mode changed or empty).</p>;
  }
  const more = shown.total - limit;
  return (
    <>
      <Diff
        viewType="unified"
        diffType={parsed.type}
        hunks={shown.hunks}
        tokens={tokens}
        className="changes-diff-table"
      >
        {(hunks) => hunks.map((h, i) => <Hunk key={`${i}:${h.content}`} hunk={h} />)}
      </Diff>
      {more > 0 && (
        <button
          type="button"
          className="changes-more"
          onClick={() => setLimit((l) => l + DIFF_LINES_STEP)}
        >
          Show {Math.min(more, DIFF_LINES_STEP)} more lines ({more} not shown)
        </button>
      )}
    </>
  );
}

export function ChangesDiff({
  file,
  diff,
  loading,
  error,
}: {
  file: ChangedFile | null;
  diff: FileDiff | null;
  loading: boolean;
  error: Problem | null;
}) {
  if (!file) return <p className="changes-note dim">Select a file to see its diff.</p>;
  return (
    <section className="changes-diff" aria-label={`Diff of ${file.path}`}>
      <h3 className="changes-diff-title">
        {file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}
      </h3>
      {error && <ProblemBox problem={error} />}
      {loading && !diff && <p className="changes-note dim">Loading the diff…</p>}
      {diff && (diff.binary || file.binary) && (
        <p className="changes-note" role="note">
          Binary file: not shown as text.
        </p>
      )}
      {diff && diff.truncated && !diff.binary && (
        <p className="changes-note warn" role="note">
          This diff is {formatBytes(diff.totalBytes)}: only its first{' '}
          {formatBytes(diff.diff.length)} are shown.
        </p>
      )}
      {/* Another file starts at the top again; a refresh of this one keeps what was expanded. */}
      {diff && !diff.binary && <DiffBody key={diff.path} file={file} diff={diff} />}
    </section>
  );
}
