// Removes the leftovers of crashed tests and killed `tart run`s: processes, tsim* interfaces,
// mounts, run state, leases and the test harness's temp dirs. `e2e/sim/reset` cleans everything of
// the simulator on this host; `reset({ tartHome })` only what belongs to one TART_HOME (plus
// orphans nobody owns), which is safe while other tests use the simulator.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_PREFIX, simSettings } from './config';
import { simProcs } from './leaks';
import { allStates, gc, teardownRun, type RunState } from './tart/runtime';
import { listDir } from './util/fsx';
import { isAlive, refOf, sleepSync, trySh } from './util/proc';
import { mountsBelow, safeRemove } from './util/safe-rm';

export interface ResetOptions {
  /** Only this TART_HOME's VMs (and orphans). Default: everything of the simulator. */
  tartHome?: string;
  /** Also remove the harness's /tmp/tart-sim-* dirs (only without tartHome; default true). */
  tempDirs?: boolean;
  log?: (line: string) => void;
}

export function reset(opts: ResetOptions = {}): string[] {
  const done: string[] = [];
  const note = (l: string) => {
    done.push(l);
    opts.log?.(l);
  };
  const s = simSettings();
  const home = opts.tartHome;
  const inScope = (st: RunState) =>
    home === undefined || st.tartHome === home || st.tartHome.startsWith(home + '/');
  const states = allStates(s);
  const live = new Set(states.filter((st) => isAlive(st.run)).map((st) => st.runId));

  // 1. Processes: `tart` invocations first (so no run restarts anything), then guests.
  for (const p of simProcs()) {
    const st = states.find((x) => x.runId === p.runDir?.split('/').pop());
    const kill =
      p.runDir !== undefined
        ? !st || inScope(st) || !live.has(st.runId)
        : home === undefined ||
          p.tartHome === home ||
          (p.tartHome?.startsWith(home + '/') ?? false);
    if (!kill) continue;
    try {
      const ref = refOf(p.pid);
      if (ref) process.kill(p.pid, 'SIGKILL');
      note(`killed ${p.pid} ${p.cmd}`);
    } catch {
      // gone already
    }
  }
  sleepSync(100);

  // 2. What each affected run created: guest, interface, address, lease, run dir.
  for (const st of allStates(s)) {
    if (inScope(st) || !isAlive(st.run)) {
      try {
        teardownRun(s, st);
        note(`removed run ${st.runId} (${st.vmName})`);
      } catch (e) {
        note(`cannot remove run ${st.runId}: ${(e as Error).message}`);
      }
    }
  }
  gc(s);

  // 3. Orphans nobody owns: interfaces of no live run, mounts in the host namespace.
  const owned = new Set(
    allStates(s)
      .filter((st) => isAlive(st.run))
      .map((st) => st.veth),
  );
  for (const link of listDir('/sys/class/net')) {
    if (link.startsWith(`${NAME_PREFIX}-`) && !owned.has(link)) {
      trySh('ip', ['link', 'del', link]);
      note(`deleted interface ${link}`);
    }
  }
  for (const m of mountsBelow(s.runDir).sort((a, b) => b.length - a.length)) {
    trySh('umount', ['-l', m]);
    note(`unmounted ${m}`);
  }
  for (const ns of listDir('/run/netns').filter((n) => n.startsWith(NAME_PREFIX))) {
    trySh('ip', ['netns', 'del', ns]);
    note(`deleted netns ${ns}`);
  }

  if (home === undefined) {
    // 4. Everything else of the simulator (the compiled helpers in bin/ stay).
    if (
      listDir(`/sys/class/net/${NAME_PREFIX}0/brif`).length === 0 &&
      listDir('/sys/class/net').includes(`${NAME_PREFIX}0`)
    ) {
      trySh('ip', ['link', 'del', `${NAME_PREFIX}0`]);
      note(`deleted bridge ${NAME_PREFIX}0`);
    }
    for (const sub of ['vms', 'ipam', 'services', 'net.lock']) {
      const p = join(s.runDir, sub);
      try {
        safeRemove(p);
      } catch (e) {
        note(`cannot remove ${p}: ${(e as Error).message}`);
      }
    }
    rmSync(join(s.runDir, 'dhcpd_leases'), { force: true });
    if (opts.tempDirs !== false) {
      for (const d of listDir(tmpdir()).filter((n) => n.startsWith('tart-sim-'))) {
        try {
          safeRemove(join(tmpdir(), d));
          note(`removed ${join(tmpdir(), d)}`);
        } catch (e) {
          note(`cannot remove ${d}: ${(e as Error).message}`);
        }
      }
    }
  }
  return done;
}
