// Provision 1: recover from an interrupted swap, remove leftovers of crashed runs, and find out
// whether a base exists (an update needs one; a running base cannot be replaced).
import { ProvisionError } from '../errors';
import type { ProvisionStep } from './step';

export const prepare: ProvisionStep = {
  name: 'prepare',
  label: 'Look for the base VM',
  describe: (ctx) => `Looking for the base VM ${ctx.o.baseVm}`,
  failed: () => 'Could not check the existing VMs',
  async run(ctx) {
    const { baseVm } = ctx.o;
    const { vms } = ctx.deps;
    let list = await ctx.track(vms.list());
    const olds = list.filter((v) => v.name.startsWith(`${baseVm}-old-`));
    if (!list.some((v) => v.name === baseVm) && olds.length > 0 && olds[0]) {
      // A previous run moved the old base aside and died before finishing: put it back.
      ctx.note(`Restoring ${baseVm} from ${olds[0].name} (left by an interrupted provision)`);
      await vms.rename(olds[0].name, baseVm);
      list = await vms.list();
    }
    for (const vm of list) {
      if (vm.name.startsWith(`${baseVm}-tmp-`) || vm.name.startsWith(`${baseVm}-old-`)) {
        ctx.note(`Removing ${vm.name}, left over by an earlier provision`);
        if (vm.running) await vms.stop(vm.name, 30);
        await vms.delete(vm.name);
      }
    }
    const base = list.find((v) => v.name === baseVm);
    if (!base && ctx.o.update) {
      throw new ProvisionError({
        code: 'provision.base-missing',
        phase: 'prepare',
        what: `There is no base VM ${baseVm} to update`,
        why: 'The base image has not been provisioned yet (or was deleted).',
        fix: 'Run `clave provision` without --update to build it.',
        logFile: ctx.log.file,
      });
    }
    if (base?.running && (ctx.o.force || ctx.o.update)) {
      throw new ProvisionError({
        code: 'provision.base-running',
        phase: 'prepare',
        what: `The base VM ${baseVm} is running`,
        why: 'A running base cannot be replaced (something booted it by hand).',
        fix: `Stop it with \`tart stop ${baseVm}\`, then run the provision again.`,
        logFile: ctx.log.file,
      });
    }
    ctx.baseExisted = base !== undefined;
  },
};
