// Provision 4: boot the temporary VM with the script's folder attached, and wait for its address
// (at once a failure if the VM dies: from here on its exit aborts the run).
import { waitForEndpoint } from '../../vm/wait';
import type { HostFolder } from '../../vm/runtime';
import type { ProvisionContext } from '../context';
import type { ProvisionStep } from './step';

/** VirtioFS tag of the script share: not the project's tag, which the image's fstab mounts. */
export const SCRIPT_TAG = 'clave-provision';
export const GUEST_SCRIPT_DIR = '/mnt/clave-provision';

export function scriptFolder(ctx: ProvisionContext): HostFolder {
  return { path: ctx.scriptDir!, guestPath: GUEST_SCRIPT_DIR, tag: SCRIPT_TAG, readOnly: true };
}

export const boot: ProvisionStep = {
  name: 'boot',
  label: 'Boot the VM',
  describe: (ctx) => `Booting ${ctx.tempVm}`,
  failed: () => 'The temporary VM did not boot',
  async run(ctx) {
    const { vms } = ctx.deps;
    const vm = await ctx.track(vms.start(ctx.tempVm!, { folders: [scriptFolder(ctx)] }));
    ctx.watch(vm);
    ctx.note(`tart run output: ${vm.logFile}`);
    ctx.address = await ctx.track(
      waitForEndpoint(vms, vm, ctx.o.ssh.port, {
        waitSeconds: ctx.o.timeouts.ipSeconds,
        signal: ctx.signal,
      }),
    );
  },
};
