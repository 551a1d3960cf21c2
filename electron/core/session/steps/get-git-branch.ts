// Preflight 2: remember what the session starts from, so merge knows where to go back to.
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const getGitBranch: Step<SessionContext> = {
  name: 'get-git-branch',
  label: 'Read the current branch',
  async run(ctx, progress) {
    const head = await ctx.deps.git.head(ctx.projectDir);
    if (head.commit === null) {
      throw new StepAbort({
        what: 'The repository has no commits yet',
        fix: 'Make a first commit (git add -A && git commit -m "Initial commit"), then start again.',
      });
    }
    if (head.kind === 'detached') {
      progress.warn({
        what: 'The project is on a detached HEAD',
        why: `The session starts from ${head.commit.slice(0, 12)}; there is no branch to merge back into.`,
        fix: 'Keep the session at the end and merge its branch by hand, or check out a branch first.',
      });
      ctx.update({ baseBranch: null, baseCommit: head.commit });
    } else {
      progress.hint(head.branch);
      ctx.update({ baseBranch: head.branch, baseCommit: head.commit });
    }
  },
};
