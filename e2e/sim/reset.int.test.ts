// `reset` after a crash that nothing cleaned up: `tart run` and the guest killed with SIGKILL,
// then no `tart` command ran. Scoped to this test's TART_HOME so it is safe on a shared machine.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simSettings } from './config';
import { createSimHost, type SimHost } from './harness';
import { leftovers } from './leaks';
import { reset } from './reset-host';
import { allStates } from './tart/runtime';
import { killRef } from './util/proc';
import { bootVM } from './vm';

describe('reset', () => {
  let sim: SimHost;
  beforeAll(async () => {
    sim = await createSimHost();
  });
  afterAll(async () => {
    await sim?.cleanup();
  });

  it('removes processes, interfaces and run state a crashed test left behind', async () => {
    const vm = await bootVM(sim, 'crashed');
    const st = allStates(simSettings()).find(
      (x) => x.tartHome === sim.tartHome && x.vmName === 'crashed',
    );
    expect(st?.guest).toBeDefined();
    // Freeze the guest so it cannot clean up after its host process dies, then kill both.
    killRef(st?.guest, 'SIGSTOP');
    vm.child.kill('SIGKILL');
    expect(await vm.exited).toBe('SIGKILL');
    expect(leftovers(sim.tartHome).length).toBeGreaterThan(0);
    expect(existsSync(`/sys/class/net/${st?.veth}`)).toBe(true);

    const done = reset({ tartHome: sim.tartHome });
    expect(done.some((l) => l.startsWith('killed'))).toBe(true);
    expect(existsSync(`/sys/class/net/${st?.veth}`)).toBe(false);
    expect(leftovers(sim.tartHome)).toEqual([]);
    expect(JSON.parse((await sim.tart(['get', 'crashed', '--format', 'json'])).stdout).State).toBe(
      'stopped',
    );
  });
});
