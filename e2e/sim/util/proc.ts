// Small process helpers: liveness that survives PID reuse, synchronous command runs, sleeping.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A process identity: the PID plus its start time (clock ticks since boot), so reuse is caught. */
export interface ProcRef {
  pid: number;
  start: number;
}

export function procStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); starttime is field 22.
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

export function selfRef(): ProcRef {
  return { pid: process.pid, start: procStartTime(process.pid) ?? 0 };
}

/** True while that exact process exists and is not a zombie. */
export function isAlive(ref: ProcRef | undefined): boolean {
  if (!ref || !Number.isInteger(ref.pid) || ref.pid <= 0) return false;
  const start = procStartTime(ref.pid);
  if (start === undefined || start !== ref.start) return false;
  return procState(ref.pid) !== 'Z';
}

export function refOf(pid: number): ProcRef | undefined {
  const start = procStartTime(pid);
  return start === undefined ? undefined : { pid, start };
}

export function killRef(ref: ProcRef | undefined, signal: NodeJS.Signals): boolean {
  if (!ref || !isAlive(ref)) return false;
  try {
    process.kill(ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Children PIDs of a process (Linux /proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${cmd} failed (${status ?? 'signal'}): ${stderr.trim()}`);
  }
}

/** Run a host command; throws CommandError with its stderr on failure. */
export function sh(file: string, args: readonly string[], input?: string): string {
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new CommandError([file, ...args].join(' '), r.status, r.stderr ?? '');
  return r.stdout ?? '';
}

/** Like sh() but never throws; returns the exit status. */
export function trySh(file: string, args: readonly string[]): { status: number; out: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

export function which(cmd: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
