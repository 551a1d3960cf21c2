// A session host in this process on its own simulated VM host (as the integration tests make
// one), for the figures that time the host alone: no browser, no WebSocket.
import { createHostRuntime, type HostRuntime } from '../../electron/core/compose';
import { dataPaths } from '../../electron/core/config/paths';
import { Settings } from '../../electron/core/config/settings';
import { Tart } from '../../electron/core/host/tart';
import { provisionBase, type SimWorld } from '../../electron/core/session/testing/sim-env';
import { openWorld } from './worlds';

export interface SimRuntime {
  world: SimWorld;
  runtime: HostRuntime;
  /** Tart as the product drives it, for the bare baselines. */
  tart: Tart;
  close(): Promise<void>;
}

export async function withSimRuntime<T>(work: (r: SimRuntime) => Promise<T>): Promise<T> {
  const world = await openWorld({ bootDelayMs: 150, sshdDelayMs: 100 });
  try {
    await provisionBase(world);
    const runtime = await createHostRuntime({
      paths: dataPaths(world.claveHome),
      // No standby VMs unless a figure turns the pool on (warm does, in its own host).
      settings: Settings.parse({ vm: { cpus: 1, memoryMb: 1024 }, pool: { size: 0 } }),
      face: 'cli',
      env: world.env,
    });
    try {
      const tart = new Tart({ logDir: dataPaths(world.claveHome).vmLogs, env: world.env });
      return await work({ world, runtime, tart, close: () => runtime.shutdown() });
    } finally {
      await runtime.shutdown();
    }
  } finally {
    await world.cleanup();
  }
}
