// `clave pool`: the warm-start pool as a person reads it.
import type { PoolStatus } from '../shared/api';
import { formatProblemLines } from './progress';

export function poolLines(s: PoolStatus): string[] {
  const head =
    s.size === 0
      ? 'Warm start is off (clave pool --size 1 turns it on).'
      : `Warm start: a standby session for the ${s.size === 1 ? 'last project' : `last ${s.size} projects`} started; ${s.ready} ready, ${s.booting} booting.`;
  return [
    head,
    `VMs: ${s.vms} of ${s.maxVms} (sessions and standbys; a start removes a standby when it needs the room).`,
    ...s.standbys.map((b) => `  ${b.state.padEnd(8)} ${b.projectDir}`),
    ...(s.problem ? ['Last standby failed:', ...formatProblemLines(s.problem)] : []),
  ];
}
