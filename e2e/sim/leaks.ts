// What the simulator leaves on a host. `hostSnapshot()` lists everything of the simulator (for
// `tart-sim status` and `reset`); `leftovers(tartHome)` lists what is left of one TART_HOME's VMs
// (plus orphans nobody owns) — empty after a clean stop/delete, even while other users' VMs run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_PREFIX, simSettings } from './config';
import { parseLeases } from './tart/leases';
import { allStates, type RunState } from './tart/runtime';
import { isAlive } from './util/proc';

export interface HostSnapshot {
  /** Network interfaces named tsim* (the bridge and host ends of veth pairs). */
  links: string[];
  /** Named network namespaces with the prefix (the simulator uses anonymous ones: expect none). */
  netns: string[];
  /** Processes of the simulator: `tart` invocations, guest PID 1s and their `unshare`. */
  processes: string[];
  /** Mounts in the host's mount namespace that belong to the simulator (expect none, ever). */
  mounts: string[];
  /** Per-run directories, IP reservations and service registrations under the run dir. */
  runState: string[];
  /** Unexpired DHCP leases. */
  leases: string[];
  /** Temp dirs made by the test harness (tart-sim-*). */
  tempDirs: string[];
}

function ls(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface SimProc {
  pid: number;
  cmd: string;
  /** The run dir argument of a guest init / unshare. */
  runDir?: string;
  /** TART_HOME of a `tart` invocation. */
  tartHome?: string;
}

export function simProcs(): SimProc[] {
  const out: SimProc[] = [];
  for (const p of ls('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    const argv = read(`/proc/${p}/cmdline`).split('\0').filter(Boolean);
    const cmd = argv.join(' ');
    if (cmd.includes('e2e/sim/guest/init.sh')) {
      out.push({ pid: Number(p), cmd, runDir: argv[argv.length - 1] });
    } else if (
      cmd.includes('e2e/sim/tart/main.ts') ||
      cmd.includes('e2e/sim/bin/launch.mjs tart/main.ts') ||
      // The simulated Orchard controller (`tart-sim orchard`): its workers' VMs live in its TART_HOME.
      cmd.includes('e2e/sim/bin/launch.mjs cli.ts orchard')
    ) {
      const env = read(`/proc/${p}/environ`).split('\0');
      const home = env.find((e) => e.startsWith('TART_HOME='))?.slice(10);
      out.push({ pid: Number(p), cmd, ...(home ? { tartHome: home } : {}) });
    }
  }
  return out;
}

function mounts(runDir: string): string[] {
  return read('/proc/self/mountinfo')
    .split('\n')
    .filter((l) => l.includes(runDir) || l.includes('tart-sim-root'));
}

function unexpiredLeases(runDir: string) {
  const now = Date.now() / 1000;
  try {
    return parseLeases(read(join(runDir, 'dhcpd_leases'))).filter((l) => l.lease > now);
  } catch {
    return [];
  }
}

export function hostSnapshot(): HostSnapshot {
  const s = simSettings();
  return {
    links: ls('/sys/class/net').filter((n) => n.startsWith(NAME_PREFIX)),
    netns: ls('/run/netns').filter((n) => n.startsWith(NAME_PREFIX)),
    processes: simProcs().map((p) => `${p.pid} ${p.cmd}`),
    mounts: mounts(s.runDir),
    runState: [
      ...ls(join(s.runDir, 'vms')).map((x) => `vms/${x}`),
      ...ls(join(s.runDir, 'ipam')).map((x) => `ipam/${x}`),
      ...ls(join(s.runDir, 'services')).map((x) => `services/${x}`),
    ],
    leases: unexpiredLeases(s.runDir).map((l) => `${l.ip} ${l.mac}`),
    tempDirs: ls(tmpdir()).filter((n) => n.startsWith('tart-sim-')),
  };
}

/**
 * Everything still on the host that belongs to VMs of `tartHome` (a path prefix), plus orphans
 * that belong to no live run at all. Empty means: nothing leaked.
 */
export function leftovers(tartHome: string, opts: { tempDir?: string } = {}): string[] {
  const s = simSettings();
  const states = allStates(s);
  const mine = (st: RunState) => st.tartHome === tartHome || st.tartHome.startsWith(tartHome + '/');
  const live = new Set(states.filter((st) => isAlive(st.run)).map((st) => st.runId));
  const out: string[] = [];
  for (const st of states) {
    if (mine(st) || !isAlive(st.run))
      out.push(
        `run state of ${st.vmName} (${st.runId}, tart run ${isAlive(st.run) ? 'alive' : 'dead'})`,
      );
  }
  for (const p of simProcs()) {
    if (
      p.tartHome !== undefined &&
      (p.tartHome === tartHome || p.tartHome.startsWith(tartHome + '/'))
    ) {
      out.push(`process ${p.pid}: ${p.cmd}`);
    } else if (p.runDir !== undefined) {
      const id = p.runDir.split('/').pop() ?? '';
      const st = states.find((x) => x.runId === id);
      if (!st || mine(st) || !live.has(id)) out.push(`guest process ${p.pid}: ${p.cmd}`);
    }
  }
  const ownedVeths = new Set(
    states.filter((st) => live.has(st.runId) && !mine(st)).map((st) => st.veth),
  );
  for (const l of ls('/sys/class/net')) {
    if (l.startsWith(`${NAME_PREFIX}-`) && !ownedVeths.has(l)) out.push(`interface ${l}`);
  }
  for (const f of ls(join(s.runDir, 'ipam'))) {
    try {
      const r = JSON.parse(read(join(s.runDir, 'ipam', f))) as { runId: string };
      if (!live.has(r.runId) || states.some((st) => st.runId === r.runId && mine(st)))
        out.push(`IP reservation ${f}`);
    } catch {
      out.push(`IP reservation ${f} (unreadable)`);
    }
  }
  const reserved = new Set(ls(join(s.runDir, 'ipam')));
  for (const l of unexpiredLeases(s.runDir)) {
    if (!reserved.has(l.ip)) out.push(`lease ${l.ip} ${l.mac}`);
  }
  // The bridge goes with its last user (VM or host service).
  const services = ls(join(s.runDir, 'services')).filter((f) => {
    try {
      return isAlive(
        JSON.parse(read(join(s.runDir, 'services', f))) as { pid: number; start: number },
      );
    } catch {
      return false;
    }
  });
  if (
    ls('/sys/class/net').includes(`${NAME_PREFIX}0`) &&
    live.size === 0 &&
    services.length === 0
  ) {
    out.push(`bridge ${NAME_PREFIX}0 (no VM or service uses it)`);
  }
  for (const m of mounts(s.runDir)) out.push(`mount ${m}`);
  for (const n of ls('/run/netns').filter((x) => x.startsWith(NAME_PREFIX))) out.push(`netns ${n}`);
  if (opts.tempDir && existsSync(opts.tempDir)) out.push(`temp dir ${opts.tempDir}`);
  return out;
}
