// Preflight 3: sessions clone the provisioned base VM; without it nothing can start.
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const ensureVmExists: Step<SessionContext> = {
  name: 'ensure-vm-exists',
  label: 'Find the base VM',
  async run(ctx) {
    const base = ctx.settings.baseVm;
    if (!(await ctx.deps.vms.exists(base))) {
      throw new StepAbort({
        what: `The base VM ${base} does not exist yet`,
        why: 'Sessions are cloned from a provisioned base image (PHP, nginx, Node, Claude Code).',
        fix: 'Provision it once: `clave provision` (or "Provision Base Image…" in the menu). It takes a few minutes.',
      });
    }
  },
};
