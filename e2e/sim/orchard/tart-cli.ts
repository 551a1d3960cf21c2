// How a simulated worker runs `tart`: the simulator's own CLI (bin/tart), as a child process with
// the controller's environment (TART_HOME, TART_SIM_*), exactly as orchard's worker runs the real
// one. Errors read like the worker's (internal/worker/vmmanager/base/cmd.go).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SIM_DIR } from '../config';

export const TART_BIN = join(SIM_DIR, 'bin', 'tart');

export interface TartResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tart(args: string[], env: NodeJS.ProcessEnv): Promise<TartResult> {
  return new Promise((resolve) => {
    const child = spawn(TART_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `tart run` as a long-lived child; stderr is kept for the failure message. */
export function tartRun(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => TartResult } {
  const child = spawn(TART_BIN, ['run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d.slice(-4096)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(-4096)));
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }) };
}

/** The worker's wording: `tart command failed: "<first non-empty line of stderr, else stdout>"`. */
export function tartFailure(r: TartResult): string {
  const line =
    [...r.stderr.split('\n'), ...r.stdout.split('\n')].map((l) => l.trim()).find(Boolean) ?? '';
  return `tart command failed: ${JSON.stringify(line)}`;
}
