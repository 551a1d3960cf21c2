// Provision 9: the only step that touches the base name — run without the abort signal (an
// interrupted swap is worse than a finished one) and reversible until its end: old base aside,
// new one in, old one deleted.
import { ProvisionError, messageOf } from '../errors';
import type { ProvisionStep } from './step';

export const finalize: ProvisionStep = {
  name: 'finalize',
  label: 'Name the new image',
  describe: (ctx) => `Naming the new image ${ctx.o.baseVm}`,
  failed: (ctx) => `Could not name the new image ${ctx.o.baseVm}`,
  async run(ctx) {
    ctx.checkAbort();
    const { baseVm } = ctx.o;
    const { vms } = ctx.deps;
    const temp = ctx.tempVm!;
    const fail = (error: unknown, why: string) =>
      new ProvisionError({
        code: 'provision.finalize-failed',
        phase: 'finalize',
        what: `Could not name the new image ${baseVm}`,
        why: `${why}: ${messageOf(error)}`,
        fix: 'Run the provision again.',
        logFile: ctx.log.file,
        cause: error,
      });
    if (!ctx.baseExisted) {
      try {
        await vms.rename(temp, baseVm);
      } catch (error) {
        throw fail(error, `renaming ${temp}`);
      }
      ctx.tempVm = null;
      return;
    }
    const old = `${baseVm}-old-${ctx.runId}`;
    try {
      await vms.rename(baseVm, old);
    } catch (error) {
      throw fail(error, `moving the old ${baseVm} aside`);
    }
    try {
      await vms.rename(temp, baseVm);
    } catch (error) {
      await vms.rename(old, baseVm).catch((undo: unknown) => {
        ctx.note(`Could not put the old base back (${messageOf(undo)}); the next run will.`);
      });
      throw fail(error, `renaming ${temp}`);
    }
    ctx.tempVm = null;
    try {
      await vms.delete(old);
    } catch (error) {
      ctx.note(
        `The old image ${old} could not be deleted (${messageOf(error)}); the next provision removes it.`,
      );
    }
  },
};
