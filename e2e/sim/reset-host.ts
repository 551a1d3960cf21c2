// Removes every leftover of the simulated host (crashed tests, killed `tart run`s): processes,
// network interfaces, mounts, run state and the test harness's temp dirs. Run `e2e/sim/reset`.
// Only things carrying the simulator's names are touched.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_PREFIX, simSettings } from './config';
import { hostSnapshot, type HostSnapshot } from './leaks';
import { sleepSync, trySh } from './util/proc';
import { mountsBelow, safeRemove } from './util/safe-rm';

function pidsOf(snapshot: HostSnapshot): number[] {
  return snapshot.processes.map((p) => Number(p.split(' ')[0])).filter((p) => p !== process.pid);
}

export function reset(opts: { tempDirs?: boolean; log?: (s: string) => void } = {}): string[] {
  const log = opts.log ?? (() => undefined);
  const done: string[] = [];
  const s = simSettings();
  // 1. Processes: `tart` first (so nothing restarts), then guests. A guest dies with its PID 1.
  for (let round = 0; round < 3; round++) {
    const pids = pidsOf(hostSnapshot());
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        done.push(`killed ${pid}`);
      } catch {
        // already gone
      }
    }
    sleepSync(200);
  }
  // 2. Mounts that leaked into the host namespace (should never happen).
  for (const m of mountsBelow(s.runDir).sort((a, b) => b.length - a.length)) {
    trySh('umount', ['-l', m]);
    done.push(`unmounted ${m}`);
  }
  // 3. Interfaces and named namespaces.
  for (const link of readdirSafe('/sys/class/net')
    .filter((n) => n.startsWith(NAME_PREFIX))
    .sort()
    .reverse()) {
    trySh('ip', ['link', 'del', link]);
    done.push(`deleted link ${link}`);
  }
  for (const ns of readdirSafe('/run/netns').filter((n) => n.startsWith(NAME_PREFIX))) {
    trySh('ip', ['netns', 'del', ns]);
    done.push(`deleted netns ${ns}`);
  }
  // 4. Run state (keeps the compiled helper in bin/).
  for (const sub of ['vms', 'ipam', 'services', 'net.lock']) {
    const p = join(s.runDir, sub);
    if (readdirSafe(p).length || sub === 'net.lock') {
      try {
        safeRemove(p);
        done.push(`removed ${p}`);
      } catch (e) {
        log(`cannot remove ${p}: ${(e as Error).message}`);
      }
    }
  }
  rmSync(join(s.runDir, 'dhcpd_leases'), { force: true });
  // 5. Harness temp dirs.
  if (opts.tempDirs !== false) {
    for (const d of readdirSafe(tmpdir()).filter((n) => n.startsWith('tart-sim-'))) {
      try {
        safeRemove(join(tmpdir(), d));
        done.push(`removed ${join(tmpdir(), d)}`);
      } catch (e) {
        log(`cannot remove ${d}: ${(e as Error).message}`);
      }
    }
  }
  for (const line of done) log(line);
  return done;
}

function readdirSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}
