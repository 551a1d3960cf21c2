// A claimed standby becomes the session the person asked for now: its copy is moved to the
// project's current HEAD (safe only because the copy is pristine: a standby holding anything is
// refused, and the caller starts cold instead), and the dependencies are installed again only
// when a lock file changed with it.
import type { Problem } from '../../../../shared/session';
import type { SessionContext } from '../context';
import type { Step } from '../pipeline';
import { bootstrapLaravel } from '../steps/bootstrap-laravel';
import { installDependencies } from '../steps/install-dependencies';
import { hasUnmergedWork } from '../unmerged-work';
import { lockStamp } from './stamp';

/** What a claim had to do: nothing, move the copy, or move it and bootstrap again. */
export type Brought = 'at-head' | 'moved' | 'moved-and-bootstrapped';

export async function bringToHead(
  ctx: SessionContext,
  runSteps: (steps: readonly Step<SessionContext>[]) => Promise<void>,
): Promise<Brought | Problem> {
  const { git } = ctx.deps;
  const copy = ctx.state.worktreeDir;
  const head = await git.head(ctx.projectDir);
  if (!copy || head.commit === null)
    return { what: 'The standby has no copy, or the project no commit' };
  if (await hasUnmergedWork(git, ctx.state)) {
    return {
      what: 'The standby copy is not pristine',
      why: `${copy} holds changes or commits made after it was prepared.`,
    };
  }
  const baseBranch = head.kind === 'branch' ? head.branch : null;
  if (head.commit === ctx.state.baseCommit) {
    if (baseBranch !== ctx.state.baseBranch) ctx.update({ baseBranch });
    return 'at-head';
  }
  const locks = await lockStamp(copy);
  await git.moveCopyTo({ repo: ctx.projectDir, copy, commit: head.commit });
  ctx.update({ baseBranch, baseCommit: head.commit });
  if ((await lockStamp(copy)) === locks) return 'moved';
  // The new lock files' dependencies (from their snapshot, or installed), then the app again.
  await runSteps([installDependencies, bootstrapLaravel]);
  return 'moved-and-bootstrapped';
}
