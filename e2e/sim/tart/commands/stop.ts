// `tart stop <name> [-t|--timeout N]` (Commands/Stop.swift): SIGINT to the `tart run` process,
// poll every 100 ms until it let go of the VM, SIGKILL after the timeout.
import { rmSync } from 'node:fs';
import { simSettings } from '../../config';
import { isAlive, killRef, sleep } from '../../util/proc';
import { UINT64, type CommandDef, type Parsed } from '../cli';
import { RuntimeError } from '../errors';
import { gc } from '../runtime';
import type { TartHome } from '../store';

export const stopDef: CommandDef = {
  name: 'stop',
  abstract: 'Stop a VM',
  defs: [
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    {
      kind: 'option',
      key: 'timeout',
      long: 'timeout',
      short: 't',
      help: 'Seconds to wait for graceful termination before forcefully terminating the VM',
      parse: UINT64,
    },
  ],
};

export async function stopCommand(home: TartHome, a: Parsed): Promise<void> {
  const name = a.name as string;
  const vm = home.openLocal(name);
  const state = vm.state();
  if (state === 'suspended') {
    rmSync(vm.statePath, { force: true });
    return;
  }
  const owner = vm.runMarker();
  if (state === 'stopped' || !owner) throw RuntimeError.notRunning(name);
  killRef(owner, 'SIGINT');
  let remaining = ((a.timeout as number | undefined) ?? 30) * 1000;
  while (remaining > 0) {
    if (!isAlive(owner)) return;
    await sleep(100);
    remaining -= 100;
  }
  if (!isAlive(owner)) return;
  try {
    process.kill(owner.pid, 'SIGKILL');
  } catch (e) {
    throw new RuntimeError(
      'VMTerminationFailed',
      `failed to forcefully terminate the VM "${name}": ${(e as Error).message}`,
    );
  }
  // The killed `tart run` could not clean up after itself; do it here.
  for (let i = 0; i < 50 && isAlive(owner); i++) await sleep(20);
  gc(simSettings());
}
