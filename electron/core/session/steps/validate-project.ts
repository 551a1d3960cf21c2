// Preflight 1: the folder must be a Laravel project in a git repository (whether the VM host can
// take its path is checked once the backend is chosen: ChooseBackend).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONTROL_CHARS } from '../../../../shared/text';
import type { Step } from '../pipeline';
import { projectSlug, sessionNames } from '../naming';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const validateProject: Step<SessionContext> = {
  name: 'validate-project',
  label: 'Check the project',
  async run(ctx) {
    const dir = ctx.projectDir;
    // Before anything reads the path: a NUL or line break must not reach git or the file system.
    if (CONTROL_CHARS.test(dir))
      throw unsharable(dir, 'has a line break or another control character');
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
    // Every name derives from the root, never from the folder the session was started in.
    ctx.names = sessionNames(root, ctx.id);
    ctx.update({ projectDir: root, projectName: projectSlug(root) });
  },
};

export function unsharable(project: string, why: string): StepAbort {
  return new StepAbort({
    what: `Tart cannot share this project folder: its path ${why}`,
    why: `Each session's copy (in ${JSON.stringify(project)}/.clave/wt) is shared with its VM, and Tart cannot take such a path. Nothing was created.`,
    fix: 'Rename or move the project folder so that its path has no line breaks or other control characters, no ":" or ",", and is under 1000 bytes long, then start again.',
  });
}
