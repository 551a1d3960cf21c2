// Preflight 1: the folder must be a Laravel project in a git repository.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const validateProject: Step<SessionContext> = {
  name: 'validate-project',
  label: 'Check the project',
  async run(ctx) {
    const dir = ctx.projectDir;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new StepAbort({
        what: `${dir} is not a folder`,
        fix: 'Choose the folder of a Laravel project.',
      });
    }
    if (!(await ctx.deps.git.isRepo(dir))) {
      throw new StepAbort({
        what: `${path.basename(dir)} is not a git repository`,
        why: 'Each session works on its own branch, so Clave needs git.',
        fix: `Run \`git init && git add -A && git commit -m "Initial commit"\` in ${dir}, then start again.`,
      });
    }
    const root = await ctx.deps.git.root(dir);
    if (!existsSync(path.join(root, 'artisan'))) {
      throw new StepAbort({
        what: `${path.basename(root)} is not a Laravel project`,
        why: `There is no artisan file in ${root}.`,
        fix: 'Choose the folder that contains artisan (the root of a Laravel app).',
      });
    }
    ctx.projectDir = root;
  },
};
