// Keep / merge / discard, without ever losing work: merge commits what is uncommitted first and
// keeps everything when git cannot merge cleanly; discard refuses (asks again) when the copy holds
// work found nowhere else, unless forced.
import type { StopResult } from '../../../shared/api';
import type { OnExit, Problem } from '../../../shared/session';
import { squashMessage } from '../../../shared/squash-message';
import type { Git } from '../host/git';
import { MAX_COMMITS } from './changes/session-changes';
import { toProblem } from './problem';

/** What to do with the copy: what the stop asks, else what the start asked, else keep it. */
export function chosenExit(asked: OnExit | undefined, ctx: { onExit: OnExit | null }): OnExit {
  return asked ?? ctx.onExit ?? 'keep';
}

export interface ExitTarget {
  repo: string;
  id: string;
  /** The session copy (SessionNames.worktreeDir). */
  copy: string;
  branch: string;
  /** The branch the session started from; null when the main repo was on a detached HEAD. */
  baseBranch: string | null;
  /** The commit the session started from (a squash's default message lists the commits since). */
  baseCommit: string | null;
}

/** A merge as one commit on the base branch; without a message, one made from the commits. */
export interface SquashOptions {
  squash?: boolean;
  message?: string;
}

type Outcome = Pick<StopResult, 'outcome' | 'problem'>;

const kept = (problem: Problem | null = null): Outcome => ({ outcome: 'kept', problem });

export async function applyExitDecision(
  git: Git,
  target: ExitTarget,
  decision: OnExit,
  force = false,
  merge: SquashOptions = {},
): Promise<Outcome> {
  const copy = target.copy;
  switch (decision) {
    case 'keep':
      return kept();
    case 'merge': {
      if (!target.baseBranch) {
        return kept({
          what: 'Kept the session: there is no branch to merge into',
          why: 'The session started from a detached HEAD.',
          fix: `Check out a branch and run: git merge ${target.branch} (after fetching it from ${copy}).`,
        });
      }
      try {
        // The default message is made from the agent's commits, before Clave adds its own.
        const message = merge.squash
          ? (merge.message ?? (await defaultSquashMessage(git, target)))
          : undefined;
        await git.commitAll(
          copy,
          `Clave session ${target.id}: uncommitted work at the end of the session`,
        );
        const merged = await git.mergeBack({
          repo: target.repo,
          id: target.id,
          into: target.baseBranch,
          ...(merge.squash ? { squash: true, message } : {}),
        });
        if (merged.status === 'conflict') {
          return kept({
            what: `Kept the session: merging into ${target.baseBranch} would conflict`,
            why: `Conflicting files: ${merged.files.join(', ')}. The merge was aborted; nothing changed.`,
            fix: `Resolve by hand: git merge ${target.branch} in your project, or keep working in the session.`,
          });
        }
      } catch (e) {
        return kept(toProblem(e));
      }
      // The work is on the base branch now; the copy and the session branch can go.
      try {
        await git.removeCopy({ repo: target.repo, id: target.id });
        // A squash leaves the branch's commits on no other branch, but their work is in the
        // squash commit on the base branch: the branch goes as after a merge.
        await git.deleteBranch({ repo: target.repo, branch: target.branch, force: merge.squash });
      } catch (e) {
        return { outcome: 'merged', problem: toProblem(e) };
      }
      return { outcome: 'merged', problem: null };
    }
    case 'discard': {
      try {
        await git.removeCopy({ repo: target.repo, id: target.id, force });
        await git.deleteBranch({ repo: target.repo, branch: target.branch, force: true });
      } catch (e) {
        const p = toProblem(e);
        return kept({
          ...p,
          what: `Kept the session: ${p.what}`,
          fix: 'Discard again with force to throw the work away, or merge it.',
        });
      }
      return { outcome: 'discarded', problem: null };
    }
  }
}

async function defaultSquashMessage(git: Git, t: ExitTarget): Promise<string> {
  const commits = t.baseCommit ? await git.commitsSince(t.copy, t.baseCommit, MAX_COMMITS) : [];
  return squashMessage(t.id, commits);
}
