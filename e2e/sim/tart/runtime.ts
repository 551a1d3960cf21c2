// Host-wide runtime state of the simulator (default /run/tart-sim, a tmpfs: gone after a reboot):
//   dhcpd_leases        the simulated bootpd lease file (`tart ip` reads it)
//   ipam/<ip>           address reservations of running VMs
//   vms/<runId>/        one directory per `tart run`: state.json, boot.env, shares.list, guest.log
//   services/<pid>      registered host-service listeners (keep the bridge up)
//   bin/                helpers compiled on first use
// Every entry names the `tart run` process that owns it; `gc()` removes entries whose owner died,
// which is how a crashed or SIGKILLed `tart run` gets cleaned up by the next `tart` command.
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { SIM_DIR, type SimSettings } from '../config';
import { withLockSync } from '../util/lock';
import { isAlive, killRef, sleepSync, type ProcRef } from '../util/proc';
import { safeRemove } from '../util/safe-rm';
import { formatLeases, normalizeMac, parseLeases, type Lease } from './leases';
import { detachVeth, netLock, releaseIp, removeBridgeIfUnused } from './network';
import { listDir } from '../util/fsx';

export interface RunState {
  runId: string;
  vmName: string;
  vmDir: string;
  tartHome: string;
  /** The `tart run` process. */
  run: ProcRef;
  /** `unshare` (parent of the guest's PID 1, in the host PID namespace). */
  unshare?: ProcRef;
  /** The guest's PID 1 as seen from the host. */
  guest?: ProcRef;
  mac: string;
  ip?: string;
  veth?: string;
  /** Set once the lease was handed out. */
  booted?: boolean;
}

export function newRunId(): string {
  return randomUUID().replace(/-/g, '');
}

export function vmsRunDir(s: SimSettings): string {
  return join(s.runDir, 'vms');
}

export function runDirOf(s: SimSettings, runId: string): string {
  return join(vmsRunDir(s), runId);
}

export function writeState(s: SimSettings, st: RunState): void {
  const dir = runDirOf(s, st.runId);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `state.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(st));
  renameSync(tmp, join(dir, 'state.json'));
}

export function readState(s: SimSettings, runId: string): RunState | undefined {
  try {
    return JSON.parse(readFileSync(join(runDirOf(s, runId), 'state.json'), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

export function allStates(s: SimSettings): RunState[] {
  return listDir(vmsRunDir(s))
    .map((id) => readState(s, id))
    .filter((x): x is RunState => x !== undefined);
}

// --- leases

function leasesPath(s: SimSettings): string {
  return join(s.runDir, 'dhcpd_leases');
}

export function readLeases(s: SimSettings): Lease[] {
  try {
    return parseLeases(readFileSync(leasesPath(s), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function updateLeases(s: SimSettings, fn: (l: Lease[]) => Lease[]): void {
  withLockSync(netLock(s), () => {
    const now = Date.now() / 1000;
    // Expired entries older than an hour are pruned so the file stays small.
    const next = fn(readLeases(s)).filter((l) => l.lease > now - 3600);
    const tmp = `${leasesPath(s)}.${process.pid}`;
    writeFileSync(tmp, formatLeases(next));
    renameSync(tmp, leasesPath(s));
  });
}

/** bootpd hands out a lease (86400 s, as on macOS). */
export function grantLease(s: SimSettings, name: string, ip: string, mac: string): void {
  updateLeases(s, (ls) => [
    ...ls.filter((l) => l.ip !== ip && l.mac !== normalizeMac(mac)),
    { name, ip, mac: normalizeMac(mac), lease: Math.floor(Date.now() / 1000) + 86400 },
  ]);
}

/**
 * The simulator expires a VM's lease when the VM stops (macOS keeps it for a day; Softnet cuts it
 * to 10 minutes). So `tart ip` on a stopped VM finds nothing, and addresses are reused at once.
 */
export function expireLease(s: SimSettings, ip: string, mac: string): void {
  const now = Math.floor(Date.now() / 1000) - 1;
  updateLeases(s, (ls) =>
    ls.map((l) =>
      l.ip === ip && l.mac === normalizeMac(mac) ? { ...l, lease: Math.min(l.lease, now) } : l,
    ),
  );
}

// --- teardown and garbage collection

/** Undo everything a run created on the host. Safe to call twice and from any process. */
export function teardownRun(s: SimSettings, st: RunState): void {
  // Guest processes die with the guest's PID 1; make sure of it.
  for (const ref of [st.guest, st.unshare]) killRef(ref, 'SIGKILL');
  for (let i = 0; i < 100 && (isAlive(st.guest) || isAlive(st.unshare)); i++) sleepSync(20);
  if (st.veth) detachVeth(st.veth);
  if (st.ip) {
    expireLease(s, st.ip, st.mac);
    releaseIp(s, st.ip, st.runId);
  }
  const dir = runDirOf(s, st.runId);
  if (existsSync(dir)) safeRemove(dir);
  removeBridgeIfUnused(s);
}

/** Removes the runtime state of every `tart run` that is gone. */
const STATELESS_GRACE_MS = 60_000;

export function gc(s: SimSettings): void {
  if (!existsSync(vmsRunDir(s))) return;
  for (const id of readdirSync(vmsRunDir(s))) {
    const st = readState(s, id);
    if (!st) {
      // A directory without state is a run that died before writing it, or one that another
      // `tart run` is creating right now (every tart command runs gc): only old ones are dead.
      try {
        if (Date.now() - statSync(runDirOf(s, id)).mtimeMs > STATELESS_GRACE_MS) {
          safeRemove(runDirOf(s, id));
        }
      } catch {
        // gone already, or leave it for `reset`
      }
      continue;
    }
    if (isAlive(st.run)) continue;
    try {
      teardownRun(s, st);
    } catch {
      // leave it for `reset`
    }
  }
}

// --- the idmapped-mount helper (a few lines of C; compiled once per source version)

export function idmapHelper(s: SimSettings): string {
  const src = join(SIM_DIR, 'guest', 'idmap-mount.c');
  const code = readFileSync(src);
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const dir = join(s.runDir, 'bin');
  const bin = join(dir, `idmap-mount-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  return withLockSync(join(dir, '.build.lock'), () => {
    if (existsSync(bin)) return bin;
    const tmp = `${bin}.${process.pid}`;
    try {
      execFileSync('cc', ['-O2', '-Wall', '-o', tmp, src], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(
        `cannot build ${src} (a C compiler is needed): ${err.stderr?.toString() ?? e}`,
        { cause: e },
      );
    }
    renameSync(tmp, bin);
    return bin;
  });
}
