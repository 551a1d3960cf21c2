// Provision 2: the temporary VM, cloned from the OCI image (refreshed first: a cached `:latest`
// never updates) or, for --update, from the base itself.
import { messageOf } from '../errors';
import type { ProvisionContext } from '../context';
import type { ProvisionStep } from './step';

export const clone: ProvisionStep = {
  name: 'clone',
  label: 'Clone the image',
  describe: (ctx) => (ctx.o.update ? `Copying ${ctx.o.baseVm}` : `Cloning ${ctx.o.image}`),
  failed: (ctx) => `Could not clone ${sourceOf(ctx)}`,
  async run(ctx) {
    if (!ctx.o.update && isRemoteImage(ctx.o.image)) await refreshImage(ctx);
    await ctx.track(
      ctx.deps.vms.clone(sourceOf(ctx), ctx.tempVm!, {
        signal: ctx.signal,
        onOutput: (line) => ctx.output('tart', line),
      }),
    );
  },
};

export function sourceOf(ctx: ProvisionContext): string {
  return ctx.o.update ? ctx.o.baseVm : ctx.o.image;
}

/** Fetch the current image; offline with a cached copy, build from that (and say so). */
async function refreshImage(ctx: ProvisionContext): Promise<void> {
  const { image } = ctx.o;
  try {
    await ctx.track(
      ctx.deps.vms.pull(image, {
        signal: ctx.signal,
        onOutput: (line) => ctx.output('tart', line),
      }),
    );
  } catch (error) {
    ctx.checkAbort();
    ctx.note(`Could not refresh ${image} (${messageOf(error)}); using the cached copy if any.`);
    ctx.emit({
      type: 'output',
      source: 'tart',
      line: `warning: could not refresh ${image}; using the cached copy if there is one`,
    });
  }
}

/** An OCI reference (host/namespace…) rather than the name of a local VM. */
function isRemoteImage(image: string): boolean {
  return image.includes('/');
}
