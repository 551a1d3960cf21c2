// Provision 8: flush the guest's disk and power it off — politely first (a Tart stop is a power
// cut for the guest), then with `stop` when it does not go in time.
import { firstLine } from '../../host/errors';
import { command } from '../../host/shell-quote';
import { settlesWithin } from '../../host/retry';
import { ProvisionError, messageOf } from '../errors';
import type { ProvisionStep } from './step';

export const shutdown: ProvisionStep = {
  name: 'shutdown',
  label: 'Shut down the VM',
  describe: (ctx) => `Shutting down ${ctx.tempVm}`,
  failed: () => 'Could not shut down the temporary VM',
  async run(ctx) {
    const temp = ctx.tempVm!;
    const shell = ctx.shell!;
    const sync = await ctx.track(
      shell.exec(command(['sudo', '-n', 'sync']), { timeoutMs: 120_000, signal: ctx.signal }),
    );
    if (sync.code !== 0) ctx.note(`sync exited with ${sync.code}: ${firstLine(sync.stderr)}`);
    await shell.close().catch(() => {});
    ctx.shell = null;
    ctx.stopping = true;
    const vm = ctx.vm!;
    const seconds = ctx.o.timeouts.shutdownSeconds;
    if (vm.requestShutdown()) {
      ctx.note('Asked the guest to shut down');
      if (await settlesWithin(vm.exited, seconds * 1000)) {
        ctx.vm = null;
        return;
      }
      ctx.note(`The guest did not shut down in ${seconds} s; stopping it`);
    }
    try {
      await ctx.deps.vms.stop(temp, 30);
      await settlesWithin(vm.exited, 30_000);
      ctx.vm = null;
    } catch (error) {
      throw new ProvisionError({
        code: 'provision.shutdown-failed',
        phase: 'shutdown',
        what: `Could not stop ${temp}`,
        why: messageOf(error),
        fix: 'Run the provision again; it removes the leftover VM first.',
        logFile: ctx.log.file,
        cause: error,
      });
    }
  },
};
