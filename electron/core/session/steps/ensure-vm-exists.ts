// Preflight: sessions clone the provisioned base VM; without it nothing can start. On a remote
// backend (Orchard) the workers clone the image themselves (setting backend.image, default the
// base VM's name): nothing is needed on this Mac, but the controller must answer.
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const ensureVmExists: Step<SessionContext> = {
  name: 'ensure-vm-exists',
  label: 'Find the base VM',
  async run(ctx, progress) {
    const { vms } = ctx.deps;
    if (vms.kind !== 'tart') {
      // Throws what / why / fix when the controller does not answer or refuses the account.
      await vms.list();
      progress.hint('the controller answers');
      return;
    }
    const base = ctx.settings.baseVm;
    if (!(await vms.exists(base))) {
      throw new StepAbort({
        what: `The base VM ${base} does not exist yet`,
        why: 'Sessions are cloned from a provisioned base image (PHP, nginx, Node, Claude Code).',
        fix: 'Provision it once: `clave provision` (or "Provision Base Image…" in the menu). It takes a few minutes.',
      });
    }
  },
};
