// Session 1: the session copy, `.clave/wt/s-<id>` on branch `clave/s-<id>`, with `.env` and the
// other listed ignored files carried in. A clone, not a worktree: git must work inside the VM.
// A kept session that resumes has its copy already: it is reused as it is, work and all.
import { existsSync } from 'node:fs';
import { recorded } from '../../vm/recording';
import { need } from '../need';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const cloneRepo: Step<SessionContext> = {
  name: 'clone-repo',
  label: 'Copy the repository',
  async run(ctx, progress) {
    const { git, ledger } = ctx.deps;
    const names = need(ctx, 'names', cloneRepo);
    if (ctx.state.worktreeDir) return reuse(ctx, ctx.state.worktreeDir, progress.hint);
    const copy = await recorded(
      ledger,
      {
        kind: 'copy',
        name: names.worktreeDir,
        sessionId: ctx.id,
        detail: { repo: ctx.projectDir, branch: names.branch },
      },
      () =>
        git.createSessionCopy({
          repo: ctx.projectDir,
          id: ctx.id,
          ...(ctx.projectConfig.include ? { include: ctx.projectConfig.include } : {}),
        }),
    );
    ctx.update({ worktreeDir: copy.path, branch: copy.branch });
    if (copy.included.length) progress.hint(`carried in ${copy.included.join(', ')}`);
  },
};

async function reuse(ctx: SessionContext, copy: string, hint: (m: string) => void) {
  if (!existsSync(copy)) {
    throw new StepAbort({
      what: `The session copy of ${ctx.id} is gone`,
      why: `${copy} was deleted (not by Clave), so there is nothing to resume.`,
      fix: `Remove the session's record with: clave stop ${ctx.id} --on-exit=discard (or Discard in the window).`,
    });
  }
  if (!(await ctx.deps.git.isRepo(copy))) {
    throw new StepAbort({
      what: `The session copy of ${ctx.id} is no longer a git repository`,
      why: `${copy} exists, but git cannot read it, so Clave cannot tell what work it holds.`,
      fix: `Look at the folder; to remove it and the record: clave stop ${ctx.id} --on-exit=discard --force.`,
    });
  }
  hint(`reusing ${copy}`);
}
