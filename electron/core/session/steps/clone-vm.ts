// Session 2: a throw-away clone of the base VM with its own MAC address and the configured size.
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';

export const cloneVm: Step<SessionContext> = {
  name: 'clone-vm',
  label: 'Clone the VM',
  async run(ctx, progress) {
    const name = need(ctx, 'names', cloneVm).vmName;
    // Recorded before cloning: if the clone half-happens, teardown still knows what to delete.
    ctx.update({ vmName: name });
    // Runs beside CloneRepo: stopped (and undone by teardown) when the copy fails.
    // A remote runtime may clone its own image instead (Orchard: setting backend.image).
    await ctx.deps.vms.clone(ctx.settings.baseVm, name, { signal: progress.signal });
    const vm = ctx.settings.vm;
    await ctx.deps.vms.configure(
      name,
      {
        cpus: ctx.projectConfig.vm?.cpus ?? vm.cpus,
        memoryMb: ctx.projectConfig.vm?.memoryMb ?? vm.memoryMb,
        display: vm.display,
      },
      progress.signal,
    );
  },
};
