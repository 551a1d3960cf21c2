// Run a host tool whose output may be huge (a 5 MB diff): stdout is streamed and only its first
// `maxBytes` are kept (cut at a line end), the rest is counted and dropped, so memory stays
// bounded and the event loop is never blocked by one large read.
import { spawn } from 'node:child_process';
import { childEnv } from './child-env';

export interface BoundedOptions {
  cwd: string;
  /** The child's environment (secrets are removed here, as for every local tool). */
  env: NodeJS.ProcessEnv;
  maxBytes: number;
  timeoutMs: number;
}

export interface BoundedResult {
  exitCode: number | null;
  /** The first `maxBytes` of stdout (whole lines when it was cut). */
  stdout: string;
  /** How many bytes stdout had in all. */
  totalBytes: number;
  truncated: boolean;
  /** The start of stderr. */
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started (e.g. `ENOENT`). */
  spawnErrorCode: string | undefined;
}

const MAX_STDERR = 64 * 1024;

export function runBounded(
  file: string,
  args: readonly string[],
  options: BoundedOptions,
): Promise<BoundedResult> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let totalBytes = 0;
    let stderr = '';
    let timedOut = false;
    let spawnErrorCode: string | undefined;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      totalBytes += chunk.length;
      const room = options.maxBytes - keptBytes;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      kept.push(part);
      keptBytes += part.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR);
    });
    child.once('error', (e: NodeJS.ErrnoException) => (spawnErrorCode = e.code));
    child.once('close', (code) => {
      clearTimeout(timer);
      const truncated = totalBytes > keptBytes;
      let out = Buffer.concat(kept, keptBytes);
      if (truncated) {
        // A cut diff ends at a whole line, never inside a line or a UTF-8 character.
        const nl = out.lastIndexOf(10);
        out = nl === -1 ? out.subarray(0, 0) : out.subarray(0, nl + 1);
      }
      resolve({
        exitCode: code,
        stdout: out.toString('utf8'),
        totalBytes,
        truncated,
        stderr,
        timedOut,
        spawnErrorCode,
      });
    });
  });
}
