// Resident memory of a process, from /proc (Linux) or ps (macOS), sampled while something runs;
// the CPU a process or the whole machine used meanwhile.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** Resident set size of `pid` in MB (MiB). */
export function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024;
}

/** Samples `pid`'s RSS every `everyMs` until stop(); returns the peak and the samples. */
export function sampleRss(
  pid: number,
  everyMs = 100,
): { stop(): { peak: number; samples: number[] } } {
  const samples = [rssMb(pid)];
  const timer = setInterval(() => {
    try {
      samples.push(rssMb(pid));
    } catch {
      // the process ended: nothing more to sample
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peak: Math.max(...samples), samples };
    },
  };
}

/** CPU time (user + system) `pid` has used so far, in ms (Linux; NaN elsewhere). */
export function cpuMs(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return NaN;
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime; USER_HZ = 100
}

/**
 * How many of the machine's cores were busy (every process) between the call and stop(): at the
 * core count, whatever runs is bound by CPU — a figure then measures what the whole pipeline
 * costs in CPU, not what it waits for.
 */
export function machineBusy(): { stop(): { cores: number; busy: number } } {
  const busyMs = () =>
    os.cpus().reduce((ms, c) => ms + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
  const t0 = performance.now();
  const b0 = busyMs();
  return {
    stop: () => ({ cores: os.cpus().length, busy: (busyMs() - b0) / (performance.now() - t0) }),
  };
}
