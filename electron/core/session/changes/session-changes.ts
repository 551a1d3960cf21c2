// What a session's work is, against the commit it started from: the files changed (committed,
// uncommitted, untracked), each file's diff, the commits ahead, and whether the base branch moved
// on. The changes view, `clave diff/log` and the exit decision's facts (ExitInfo) all read it here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Changes, ExitInfo, FileDiff } from '../../../../shared/api';
import type { CommitDetail, CopyFileChange, Git } from '../../host/git';
import { StepAbort } from '../problem';

/** At most this many files are listed (the totals count them all). */
export const MAX_LISTED_FILES = 2000;
/** A file's diff is cut here: the view stays responsive, the note says how big it is. */
export const MAX_DIFF_BYTES = 512 * 1024;
/** The commits ahead listed with their messages (their count is exact). */
export const MAX_COMMITS = 500;

/** What the changes of one session are read from (its record). */
export interface ChangeTarget {
  id: string;
  projectDir: string;
  worktreeDir: string | null;
  baseBranch: string | null;
  baseCommit: string | null;
  branch: string | null;
}

interface Facts {
  files: CopyFileChange[];
  commits: CommitDetail[];
  commitsAhead: number;
  baseMoved: boolean;
}

const NOTHING: Facts = { files: [], commits: [], commitsAhead: 0, baseMoved: false };

export class SessionChanges {
  constructor(
    private readonly git: Git,
    /** The session's record; throws for an unknown id. */
    private readonly target: (id: string) => ChangeTarget,
    /** Before the copy is read: bring the VM's work into it (code by git; throttled). */
    private readonly fresh: (id: string) => Promise<void> = async () => {},
  ) {}

  async get(id: string): Promise<Changes> {
    this.target(id);
    await this.fresh(id);
    const t = this.target(id);
    const f = await this.facts(t);
    return {
      sessionId: id,
      base: { branch: t.baseBranch, commit: t.baseCommit, moved: f.baseMoved },
      files: f.files.slice(0, MAX_LISTED_FILES),
      truncated: f.files.length > MAX_LISTED_FILES,
      ...totals(f.files),
      commits: f.commits,
    };
  }

  async diff(id: string, file: string): Promise<FileDiff> {
    insideCopy(file);
    this.target(id);
    await this.fresh(id);
    const copy = readable(this.target(id));
    const found = copy
      ? await this.git.copyFileDiff(copy.dir, copy.base, file, MAX_DIFF_BYTES)
      : null;
    if (!found) {
      throw new StepAbort({
        what: `${file} has no changes in session ${id}`,
        why: 'It is the same in the session copy as in the commit the session started from.',
        fix: `See the changed files with \`clave diff ${id} --stat\`.`,
      });
    }
    const d = found.diff;
    return d
      ? {
          path: file,
          diff: d.text,
          binary: false,
          truncated: d.truncated,
          totalBytes: d.totalBytes,
        }
      : { path: file, diff: '', binary: true, truncated: false, totalBytes: 0 };
  }

  /** `git diff --stat` of the same range, as git prints it `width` columns wide. */
  async stat(id: string, paths: string[], width: number): Promise<string> {
    paths.forEach(insideCopy);
    this.target(id);
    await this.fresh(id);
    const copy = readable(this.target(id));
    return copy ? this.git.copyStat(copy.dir, copy.base, paths, width) : '';
  }

  async exitInfo(id: string): Promise<ExitInfo> {
    const t = this.target(id);
    const f = await this.facts(t);
    return {
      branch: t.branch,
      baseBranch: t.baseBranch,
      uncommittedFiles: f.files.filter((c) => c.uncommitted).map((c) => c.path),
      commitsAhead: f.commitsAhead,
      filesChanged: f.files.length,
      ...totals(f.files),
      baseMoved: f.baseMoved,
      commits: f.commits,
    };
  }

  private async facts(t: ChangeTarget): Promise<Facts> {
    const copy = readable(t);
    if (!copy) return NOTHING;
    const [files, commits, commitsAhead, baseMoved] = await Promise.all([
      this.git.copyChanges(copy.dir, copy.base),
      this.git.commitsSince(copy.dir, copy.base, MAX_COMMITS),
      this.git.countBetween(copy.dir, copy.base, 'HEAD'),
      this.baseMoved(t, copy.base),
    ]);
    return { files, commits, commitsAhead, baseMoved };
  }

  private async baseMoved(t: ChangeTarget, base: string): Promise<boolean> {
    if (!t.baseBranch) return false;
    return (await this.git.countBetween(t.projectDir, base, `refs/heads/${t.baseBranch}`)) > 0;
  }
}

/** A path a face names is one inside the copy, relative to its root, as changes.get lists it. */
function insideCopy(p: string): void {
  const n = path.posix.normalize(p);
  if (!path.posix.isAbsolute(n) && n !== '..' && !n.startsWith('../') && !p.includes('\0')) return;
  throw new StepAbort({
    what: `${p} is not a path in the session copy`,
    fix: 'Give a path relative to the project folder, as `clave diff <id> --stat` lists them.',
  });
}

/** The copy and its base, when there is a copy on disk to compare (none before CloneRepo). */
function readable(t: ChangeTarget): { dir: string; base: string } | null {
  if (!t.worktreeDir || !t.baseCommit || !existsSync(t.worktreeDir)) return null;
  return { dir: t.worktreeDir, base: t.baseCommit };
}

function totals(files: CopyFileChange[]): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const f of files) {
    additions += f.additions ?? 0;
    deletions += f.deletions ?? 0;
  }
  return { additions, deletions };
}
