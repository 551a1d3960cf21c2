// `clave diff` and `clave log`: a session's work as git shows it. The host reads the copy; the
// CLI only lays out what the API returns (diff --stat is git's own text, made by the host).
import type { ChangedFile, ClaveApi, Commit } from '../shared/api';
import { openOutput } from './pager';
import { yellow } from './progress';

/** Where git would wrap `--stat`: $COLUMNS, else the terminal's width, else 80. */
function statWidth(): number {
  const columns = Number(process.env.COLUMNS);
  if (Number.isInteger(columns) && columns >= 20) return Math.min(columns, 1000);
  return process.stdout.isTTY ? Math.max(20, Math.min(process.stdout.columns, 1000)) : 80;
}

/** A path given on the command line names a file or a folder, literally (no globs). */
export function selects(paths: readonly string[], file: ChangedFile): boolean {
  if (paths.length === 0) return true;
  const names = [file.path, ...(file.oldPath ? [file.oldPath] : [])];
  return paths.some((p) => {
    const dir = p.replace(/\/+$/, '');
    return names.some((n) => n === dir || n.startsWith(`${dir}/`));
  });
}

/** What git prints for a binary file, which the host names but does not dump. */
function binaryStanza(f: ChangedFile): string {
  const from =
    f.status === 'added' || f.status === 'untracked' ? '/dev/null' : `a/${f.oldPath ?? f.path}`;
  const to = f.status === 'deleted' ? '/dev/null' : `b/${f.path}`;
  return `diff --git a/${f.oldPath ?? f.path} b/${f.path}\nBinary files ${from} and ${to} differ\n`;
}

const note = (text: string) => process.stderr.write(yellow('! ') + text + '\n');

export async function diffCommand(
  api: ClaveApi,
  cmd: { id: string; stat: boolean; paths: string[] },
): Promise<number> {
  if (cmd.stat) {
    const stat = await api.call('changes.stat', {
      id: cmd.id,
      paths: cmd.paths,
      width: statWidth(),
    });
    const out = openOutput();
    out.write(stat);
    await out.end();
    return 0;
  }
  const changes = await api.call('changes.get', { id: cmd.id });
  const files = changes.files.filter((f) => selects(cmd.paths, f));
  const cut: string[] = [];
  const out = openOutput();
  try {
    for (const f of files) {
      const d = await api.call('changes.diff', { id: cmd.id, path: f.path });
      if (!out.write(d.binary ? binaryStanza(f) : d.diff)) break;
      if (d.truncated)
        cut.push(`${f.path} (${d.totalBytes} bytes, shown ${Buffer.byteLength(d.diff)})`);
    }
  } finally {
    await out.end();
  }
  if (changes.truncated)
    note(
      `Only the first ${changes.files.length} changed files are listed; see the copy with git for the rest.`,
    );
  if (cut.length) note(`Diffs cut at the size limit: ${cut.join(', ')}.`);
  return 0;
}

export function formatCommit(c: Commit): string {
  const indent = (text: string) =>
    text
      .split('\n')
      .map((l) => (l ? `    ${l}` : ''))
      .join('\n');
  return [
    `commit ${c.sha}`,
    `Author: ${c.author}`,
    `Date:   ${c.date}`,
    '',
    indent(c.subject),
    ...(c.body ? ['', indent(c.body)] : []),
    '',
  ].join('\n');
}

export async function logCommand(
  api: ClaveApi,
  cmd: { id: string; json: boolean },
): Promise<number> {
  const { commits, base } = await api.call('changes.get', { id: cmd.id });
  if (cmd.json) return (void process.stdout.write(JSON.stringify(commits, null, 2) + '\n'), 0);
  if (commits.length === 0) {
    process.stderr.write(`No commits ahead of ${base.branch ?? base.commit ?? 'the base'}.\n`);
    return 0;
  }
  const out = openOutput();
  out.write(commits.map(formatCommit).join('\n'));
  await out.end();
  return 0;
}
