// The simulated hosts the figures made and have not removed yet. A figure cut off by its time
// budget still runs and still owns its VMs: the run removes them before it exits, so no VM of
// a bench outlives it.
import type { SimHostOptions } from '../../e2e/sim/harness';
import { createSimWorld, type SimWorld } from '../../electron/core/session/testing/sim-env';

const open = new Set<SimWorld>();

/** createSimWorld, remembered until its cleanup(). */
export async function openWorld(options: SimHostOptions = {}): Promise<SimWorld> {
  const world = await createSimWorld(options);
  open.add(world);
  const cleanup = world.cleanup;
  world.cleanup = async () => {
    open.delete(world);
    await cleanup();
  };
  return world;
}

/** Stops every VM and removes every file of the worlds still open. */
export async function closeOpenWorlds(): Promise<number> {
  const left = [...open];
  await Promise.all(left.map((w) => w.cleanup().catch(() => {})));
  return left.length;
}
