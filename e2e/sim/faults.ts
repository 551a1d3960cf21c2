// Fault injection for the simulated host. Faults come from two places, merged:
//   - TART_SIM_FAULTS: the environment of the `tart`/`herd` process (fixed for that process);
//   - the control file named by TART_SIM_FAULTS_FILE: re-read at every decision point, so a test
//     can switch faults on and off while VMs run.
// Syntax (both places): entries separated by commas or newlines, `#` starts a comment;
// each entry is `name[@vm-glob][=value]`. The glob matches the VM name (`*` wildcard).
// See README.md for the list of faults and what each one does.
import { readFileSync } from 'node:fs';

export const FAULT_NAMES = [
  'slow-boot', // =ms: this VM's boot delay (lease appears that long after `tart run`)
  'no-ip', // the guest never gets a DHCP lease: `tart ip` never answers
  'sshd-late', // =ms: sshd comes up that long after the lease
  'sshd-refuse', // sshd never starts: port 22 refuses connections
  'sshd-auth-fail', // sshd runs but rejects the image login (admin/admin)
  'mount-fail', // =N: the first N `mount -t virtiofs` calls in the guest fail
  'clone-disk-full', // `tart clone` fails: no space left on device
  'pull-fail', // pulling an OCI image fails (registry unreachable)
  'run-crash', // =ms: the VM stops with a Virtualization error that long after boot
  'run-abort', // =ms: the `tart run` process dies abruptly (SIGKILL) that long after boot
  'run-start-fail', // `tart run` fails to start the VM (exit 1)
  'vm-limit', // =N: at most N VMs run at once; more fail like Apple's limit
  'herd-fail', // every `herd` command fails
  'gc-fail', // [=error]: tart's garbage collection fails; commands but pull/clone print it first
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface Fault {
  name: FaultName;
  vmGlob: string | undefined;
  value: string | undefined;
}

export class FaultSyntaxError extends Error {}

export function parseFaults(text: string): Fault[] {
  const out: Fault[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '');
    for (const raw of line.split(',')) {
      const entry = raw.trim();
      if (!entry) continue;
      const m = /^([a-z-]+)(?:@([^=\s]+))?(?:=(.*))?$/.exec(entry);
      if (!m) throw new FaultSyntaxError(`bad fault entry '${entry}'`);
      const name = m[1] as FaultName;
      if (!FAULT_NAMES.includes(name)) {
        throw new FaultSyntaxError(`unknown fault '${m[1]}' (known: ${FAULT_NAMES.join(', ')})`);
      }
      out.push({ name, vmGlob: m[2], value: m[3]?.trim() });
    }
  }
  return out;
}

export function loadFaults(env: NodeJS.ProcessEnv = process.env): Fault[] {
  const faults = parseFaults(env.TART_SIM_FAULTS ?? '');
  const file = env.TART_SIM_FAULTS_FILE;
  if (file) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // No control file yet: no faults from it.
    }
    faults.push(...parseFaults(text));
  }
  return faults;
}

function globMatch(glob: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      glob
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(name);
}

/** The last matching fault wins (so a later line can override an earlier one). */
export function findFault(faults: Fault[], name: FaultName, vm?: string): Fault | undefined {
  let hit: Fault | undefined;
  for (const f of faults) {
    if (f.name !== name) continue;
    if (f.vmGlob !== undefined && (vm === undefined || !globMatch(f.vmGlob, vm))) continue;
    hit = f;
  }
  return hit;
}

export function faultNumber(
  faults: Fault[],
  name: FaultName,
  vm: string | undefined,
  fallback: number,
): number | undefined {
  const f = findFault(faults, name, vm);
  if (!f) return undefined;
  if (f.value === undefined || f.value === '') return fallback;
  const n = Number(f.value);
  if (!Number.isFinite(n) || n < 0)
    throw new FaultSyntaxError(`fault ${name} needs a number, got '${f.value}'`);
  return n;
}

/** Serialise faults back into the control-file syntax (used by the test harness). */
export function formatFaults(faults: Array<Partial<Fault> & { name: FaultName }>): string {
  return (
    faults
      .map(
        (f) =>
          `${f.name}${f.vmGlob ? '@' + f.vmGlob : ''}${f.value !== undefined ? '=' + f.value : ''}`,
      )
      .join('\n') + '\n'
  );
}
