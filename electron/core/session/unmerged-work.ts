// Whether a session copy holds work found nowhere else: uncommitted changes, or commits its
// base branch does not contain. A kept session shows it, so the person knows what is at stake.
import { existsSync } from 'node:fs';
import type { Git } from '../host/git';

export interface CopyFacts {
  projectDir: string;
  worktreeDir: string | null;
  baseBranch: string | null;
  baseCommit: string | null;
}

export async function hasUnmergedWork(git: Git, c: CopyFacts): Promise<boolean> {
  if (!c.worktreeDir || !existsSync(c.worktreeDir)) return false;
  // A copy git cannot read may hold anything: treat it as work (never invite a silent delete).
  if (!(await git.isRepo(c.worktreeDir))) return true;
  if ((await git.status(c.worktreeDir)).length > 0) return true;
  const head = await git.resolve(c.worktreeDir, 'HEAD');
  if (head === null) return false;
  const base = c.baseBranch ? await git.resolve(c.projectDir, `refs/heads/${c.baseBranch}`) : null;
  if (base !== null) {
    // A commit the main repository does not even have is on no branch of it.
    if ((await git.resolve(c.projectDir, head)) === null) return true;
    return (await git.commitsAhead(c.projectDir, base, head)).length > 0;
  }
  return c.baseCommit !== null && (await git.commitsAhead(c.worktreeDir, c.baseCommit)).length > 0;
}
