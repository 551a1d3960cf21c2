// Test helper: a VM of a SimHost, started with `tart run` as a child process (the way Clave does).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SimHost } from './harness';
import { SIM_BIN } from './harness';

export interface RunningVM {
  name: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with tart run's exit code (or signal name). */
  exited: Promise<number | string>;
  ip: string;
}

export function startRun(sim: SimHost, name: string, args: string[] = []) {
  const child = spawn(join(SIM_BIN, 'tart'), ['run', name, '--no-graphics', ...args], {
    env: sim.processEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** clone (from the image) + run + wait for the IP. */
export async function bootVM(
  sim: SimHost,
  name: string,
  opts: { source?: string; runArgs?: string[]; waitSec?: number } = {},
): Promise<RunningVM> {
  const clone = await sim.tart(['clone', opts.source ?? 'ghcr.io/cirruslabs/ubuntu:latest', name]);
  if (clone.code !== 0) throw new Error(`clone ${name}: ${clone.stderr}`);
  const r = startRun(sim, name, opts.runArgs);
  const ip = await sim.tart(['ip', name, '--wait', String(opts.waitSec ?? 30)]);
  if (ip.code !== 0) {
    r.child.kill('SIGINT');
    throw new Error(`ip ${name}: ${ip.stderr} / run: ${r.stderr()}`);
  }
  return { name, ...r, ip: ip.stdout.trim() };
}
