import { execa } from 'execa';
import { childEnv } from './child-env';

/**
 * Shared helper (not an adapter): run a host tool with an argument array, a hard timeout and a
 * caller-controlled environment, and never throw for a non-zero exit. Adapters turn the result
 * into their own typed errors.
 */
export interface RunToolOptions {
  cwd?: string;
  /** The environment for the child, minus secrets (child-env.ts); not merged with process.env. */
  env: NodeJS.ProcessEnv;
  /** Secret variables this tool needs by name (e.g. Tart's registry password). */
  keepSecrets?: readonly string[];
  timeoutMs: number;
  /** Written to the child's stdin, then stdin is closed. Use this for secrets, never argv. */
  input?: string;
  signal?: AbortSignal;
  /** Called with stdout as it arrives (e.g. clone progress lines). */
  onStdout?: (chunk: string) => void;
}

export interface ToolResult {
  /** undefined when the process never started or was killed by a signal. */
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The call was cancelled through `signal`. */
  cancelled: boolean;
  /** Set when the process could not be started at all (e.g. `ENOENT`, `EACCES`). */
  spawnErrorCode: string | undefined;
  durationMs: number;
}

export async function runTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<ToolResult> {
  const started = Date.now();
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: childEnv(options.env, options.keepSecrets),
    extendEnv: false,
    timeout: options.timeoutMs,
    forceKillAfterDelay: 3000,
    reject: false,
    stripFinalNewline: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    windowsHide: true,
  });
  if (options.onStdout !== undefined) {
    const onStdout = options.onStdout;
    subprocess.stdout?.on('data', (chunk: Buffer) => onStdout(chunk.toString('utf8')));
  }
  const result = await subprocess;
  const errorCode = (result as { code?: unknown }).code;
  const spawned = result.exitCode !== undefined || result.signal !== undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
    cancelled: result.isCanceled,
    spawnErrorCode: !spawned && typeof errorCode === 'string' ? errorCode : undefined,
    durationMs: Date.now() - started,
  };
}

/** Drop variables that would redirect git or other tools to the wrong repository or config. */
export function cleanEnv(env: NodeJS.ProcessEnv, drop: readonly string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !drop.includes(key)) out[key] = value;
  }
  return out;
}
