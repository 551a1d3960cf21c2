// What is at stake when a session ends, in words every face shows the same way (the tray's
// native dialog, `clave` when the agent exits): the facts of ExitInfo, stated once here.
import type { ExitInfo } from './api';

const MAX_FILES = 10;
const MAX_COMMITS = 5;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The facts of a session's work the person decides on: what changed, what is uncommitted,
 *  the commits ahead, and whether the base moved on (a merge may then conflict). */
export function describeStakes(info: ExitInfo): string {
  const base = info.baseBranch ?? 'the base branch';
  const lines: string[] = [];
  if (info.branch)
    lines.push(`Branch ${info.branch}${info.baseBranch ? ` from ${info.baseBranch}` : ''}.`);
  const files = info.uncommittedFiles;
  if (info.filesChanged === 0 && info.commitsAhead === 0 && files.length === 0) {
    lines.push(`No changes: the session copy is the same as ${base}.`);
  }
  if (info.filesChanged > 0) {
    lines.push(
      `${plural(info.filesChanged, 'file')} changed (+${info.additions} −${info.deletions} lines).`,
    );
  }
  if (info.commitsAhead > 0) {
    lines.push(`${plural(info.commitsAhead, 'commit')} ahead of ${base}:`);
    lines.push(...info.commits.slice(0, MAX_COMMITS).map((c) => `  • ${c.subject}`));
    const more = info.commitsAhead - Math.min(info.commits.length, MAX_COMMITS);
    if (more > 0) lines.push(`  … and ${more} more`);
  }
  if (files.length) {
    lines.push(
      `${plural(files.length, 'uncommitted file')} (merge commits them first):`,
      ...files.slice(0, MAX_FILES).map((f) => `  • ${f}`),
      ...(files.length > MAX_FILES ? [`  … and ${files.length - MAX_FILES} more`] : []),
    );
  }
  if (info.baseMoved) {
    lines.push(`${base} has moved on since the session started: a merge may conflict.`);
  }
  lines.push('', 'The VM is stopped and deleted in every case.');
  return lines.join('\n');
}
