// Session 1: the session copy, `.clave/wt/s-<id>` on branch `clave/s-<id>`, with `.env` and the
// other listed ignored files carried in. A clone, not a worktree: git must work inside the VM.
import { recorded } from '../../vm/recording';
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';

export const cloneRepo: Step<SessionContext> = {
  name: 'clone-repo',
  label: 'Copy the repository',
  async run(ctx, progress) {
    const { git, ledger } = ctx.deps;
    const names = need(ctx, 'names', cloneRepo);
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
