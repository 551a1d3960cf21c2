import { mkdir, open, rename, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { z } from 'zod';
import { CONTROL_CHARS } from '../../../shared/text';
import { HostError, firstLine, tail } from './errors';
import { findBinary, LoginShellPath, mergePath } from './find-binary';
import { childEnv } from './child-env';
import { runTool, type ToolResult } from './run-tool';

/**
 * The tart adapter (contracts/tart.md): argument arrays, `--format json` for everything parsed,
 * `CI=1` so progress output is plain lines, a timeout on every call, and failures turned into
 * `TartError`s a person can act on. `run` is spawned detached with its output in a per-VM log file,
 * so a VM outlives the app; its handle gives the pid, the exit and the log path.
 */

export type TartErrorCode =
  | 'tart.not-installed'
  | 'tart.not-apple-silicon'
  | 'tart.macos-too-old'
  | 'tart.vm-missing'
  | 'tart.vm-exists'
  | 'tart.vm-running'
  | 'tart.vm-not-running'
  | 'tart.vm-already-running'
  | 'tart.no-ip'
  | 'tart.vm-limit'
  | 'tart.disk-full'
  | 'tart.vm-exited'
  | 'tart.timeout'
  | 'tart.invalid-input'
  | 'tart.bad-output'
  | 'tart.failed';

export class TartError extends HostError<TartErrorCode> {}

// ---------------------------------------------------------------- names and options

/** Names Clave gives VMs it creates ([a-z0-9-], contracts/tart.md §0). */
export const NewVmNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -, not starting with -');

/** Names of existing local VMs (may have been made by hand): no `/`, no leading `-`. */
export const VmNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a local VM name (no /, not starting with -)');

/** A clone source: a local VM or an OCI reference such as ghcr.io/cirruslabs/ubuntu:latest. */
export const CloneSourceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,255}$/, 'a local VM name or an OCI reference');

export const SetOptionsSchema = z
  .object({
    cpu: z.number().int().min(1).max(65535).optional(),
    memoryMb: z.number().int().min(1).optional(),
    display: z
      .string()
      .regex(/^\d+x\d+(pt|px)?$/, 'WIDTHxHEIGHT, e.g. 1920x1080')
      .optional(),
    /** Omitting --display-refit resets it (contract §3), so it is only sent when set here. */
    displayRefit: z.boolean().optional(),
    randomMac: z.boolean().optional(),
    diskSizeGb: z.number().int().min(1).optional(),
  })
  .strict();

export type SetOptions = z.input<typeof SetOptionsSchema>;

/** Tart's own registry login (contract: storage and environment) is the one secret it needs. */
const TART_SECRETS = ['TART_REGISTRY_PASSWORD'] as const;

/** macOS's PATH_MAX is 1024 bytes with the terminating NUL. */
const MAX_PATH_BYTES = 1023;

/** Why `tart run --dir` cannot share `p` (contract §6.1), or null when it can. */
export function unsharablePath(p: string): string | null {
  if (CONTROL_CHARS.test(p)) return 'has a line break or another control character';
  // tart splits --dir on ':' and its options on ','.
  if (p.includes(':')) return 'has a ":", which tart reads as a separator';
  if (p.includes(',')) return 'has a ",", which tart reads as an option separator';
  if (Buffer.byteLength(p) > MAX_PATH_BYTES)
    return `is longer than ${MAX_PATH_BYTES} bytes, the most macOS takes`;
  return null;
}

export const DirShareSchema = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => path.isAbsolute(p), 'an absolute path')
    .superRefine((p, c) => {
      const why = unsharablePath(p);
      if (why) c.addIssue({ code: 'custom', message: `the path ${why}` });
    }),
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
  readOnly: z.boolean().optional(),
});

export type DirShare = z.input<typeof DirShareSchema>;

export interface RunOptions {
  dirs?: DirShare[];
  /** Default true: no window, no Dock icon. */
  noGraphics?: boolean;
}

export type VmState = 'running' | 'suspended' | 'stopped';

export interface VmListEntry {
  name: string;
  source: 'local' | 'OCI';
  diskGb: number;
  sizeGb: number;
  accessed: string | undefined;
  running: boolean;
  state: VmState;
}

export interface VmDetails {
  os: string;
  cpu: number;
  memoryMb: number;
  diskGb: number;
  diskFormat: string | undefined;
  /** Allocated size in GB as tart prints it, e.g. "4.512". */
  size: string;
  display: string;
  running: boolean;
  state: VmState;
}

export interface RunExit {
  code: number | null;
  signal: string | null;
  /** What went wrong, when the log or exit code says something did. */
  error: TartError | null;
}

export interface RunHandle {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Settles when `tart run` ends (the VM stopped, crashed or failed to start). */
  readonly exited: Promise<RunExit>;
  readonly running: boolean;
  /** Ask tart to stop the VM (SIGINT, the signal `tart stop` uses). */
  stop(): void;
  /** This run's part of the log. */
  readLog(): Promise<string>;
}

export interface TartTimeouts {
  /** get, list, set, rename, delete, version. */
  defaultMs: number;
  /** clone and pull: may download an image of several GB. */
  cloneMs: number;
  /** Added to the stop timeout and the ip wait for the CLI's own overhead. */
  graceMs: number;
}

export interface TartOptions {
  /** Folder for per-VM `tart run` logs. */
  logDir: string;
  /** A tart path configured by the user. */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  timeouts?: Partial<TartTimeouts>;
  /** Host facts, for the Apple silicon / macOS version check. */
  platform?: NodeJS.Platform;
  arch?: string;
  osRelease?: string;
  /** Decides whether an x64 process on a Mac runs under Rosetta on Apple silicon. */
  isAppleSiliconUnderRosetta?: () => Promise<boolean>;
}

const HOMEBREW_BINS = ['/opt/homebrew/bin', '/usr/local/bin'];

/**
 * Tart ships from OpenAI's tap now; `cirruslabs/cli/tart` is frozen at 2.32.1
 * (openai/tart#1298, cirruslabs/gitlab-tart-executor#149).
 */
export const TART_INSTALL_COMMAND = 'brew install openai/tools/tart';
const MAX_LOG_BYTES = 5 * 1024 * 1024;

// ---------------------------------------------------------------- the adapter

export class Tart {
  private readonly env: NodeJS.ProcessEnv;
  private readonly logDir: string;
  private readonly timeouts: TartTimeouts;
  private readonly loginShell: LoginShellPath;
  private located: Promise<string> | undefined;

  constructor(private readonly options: TartOptions) {
    this.env = options.env ?? process.env;
    this.logDir = options.logDir;
    this.timeouts = {
      defaultMs: options.timeouts?.defaultMs ?? 60_000,
      cloneMs: options.timeouts?.cloneMs ?? 60 * 60_000,
      graceMs: options.timeouts?.graceMs ?? 15_000,
    };
    this.loginShell = new LoginShellPath({ shell: this.env.SHELL, env: this.env });
  }

  /** The tart binary, after checking that this Mac can run VMs. Cached after the first success. */
  locate(): Promise<string> {
    const attempt = (this.located ??= this.findTart());
    attempt.catch(() => {
      if (this.located === attempt) this.located = undefined;
    });
    return attempt;
  }

  async version(): Promise<string> {
    const r = await this.call(['--version'], { what: 'Could not read the Tart version' });
    return r.stdout.trim();
  }

  /** `tart clone <source> <name>`; pulls an OCI image first when it is not cached. */
  async clone(
    source: string,
    name: string,
    options: { onProgress?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    const src = parse(CloneSourceSchema, source, 'clone source');
    const dst = parse(NewVmNameSchema, name, 'new VM name');
    await this.call(['clone', src, dst], {
      what: `Could not create the VM ${dst} from ${src}`,
      vm: src,
      timeoutMs: this.timeouts.cloneMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onStdout: lineSplitter(options.onProgress) }),
    });
  }

  /** `tart pull <ref>`: refresh a cached OCI image (clone never does). */
  async pull(
    ref: string,
    options: { onProgress?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    const src = parse(CloneSourceSchema, ref, 'image reference');
    await this.call(['pull', src], {
      what: `Could not download ${src}`,
      timeoutMs: this.timeouts.cloneMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onStdout: lineSplitter(options.onProgress) }),
    });
  }

  /** `tart set`; only set stopped VMs (contract §3). */
  async set(name: string, settings: SetOptions): Promise<void> {
    const vm = parse(VmNameSchema, name, 'VM name');
    const s = parse(SetOptionsSchema, settings, 'VM settings');
    const args = ['set', vm];
    if (s.cpu !== undefined) args.push('--cpu', String(s.cpu));
    if (s.memoryMb !== undefined) args.push('--memory', String(s.memoryMb));
    if (s.display !== undefined) args.push('--display', s.display);
    if (s.displayRefit !== undefined)
      args.push(s.displayRefit ? '--display-refit' : '--no-display-refit');
    if (s.randomMac === true) args.push('--random-mac');
    if (s.diskSizeGb !== undefined) args.push('--disk-size', String(s.diskSizeGb));
    if (args.length === 2) return;
    await this.call(args, { what: `Could not configure the VM ${vm}`, vm });
  }

  /** Give a fresh clone its own MAC, so it gets its own IP (contract §1, gotcha 4). */
  randomizeMac(name: string): Promise<void> {
    return this.set(name, { randomMac: true });
  }

  /**
   * Boot a VM: `tart run` as a detached child (it blocks until the VM stops), stdout and stderr
   * appended to `<logDir>/<name>.log`. The VM keeps running if the app quits.
   */
  async run(name: string, options: RunOptions = {}): Promise<RunHandle> {
    const vm = parse(VmNameSchema, name, 'VM name');
    const dirs = (options.dirs ?? []).map((d) => parse(DirShareSchema, d, 'shared folder'));
    const binary = await this.locate();
    const args = ['run', vm];
    if (options.noGraphics !== false) args.push('--no-graphics');
    for (const dir of dirs) args.push(`--dir=${dirArgument(dir)}`);

    await mkdir(this.logDir, { recursive: true });
    const logPath = this.runLogPath(vm);
    await rotateIfLarge(logPath);
    const header = `\n--- ${new Date().toISOString()} tart ${args.join(' ')}\n`;
    const fh = await open(logPath, 'a', 0o600);
    await fh.write(header);
    await fh.close();
    const startOffset = (await stat(logPath)).size;

    // node's spawn, not execa: the child must write straight into the log file (an fd it owns),
    // never into a pipe to this process, or it would lose its output (or get SIGPIPE) once the
    // app quits. detached: its own process group, so quitting the app does not signal it.
    const logFd = openSync(logPath, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(binary, args, {
        env: await this.toolEnv(binary),
        detached: true,
        stdio: ['ignore', logFd, logFd],
        windowsHide: true,
      });
    } finally {
      closeSync(logFd);
    }
    const spawned = await new Promise<number | Error>((resolve) => {
      child.once('spawn', () => resolve(child.pid ?? new Error('no pid')));
      child.once('error', (error) => resolve(error));
    });
    if (spawned instanceof Error) {
      this.located = undefined;
      throw this.notInstalled(binary, (spawned as NodeJS.ErrnoException).code ?? spawned.message);
    }
    const pid = spawned;
    child.unref();
    let running = true;
    const readLog = () => readFrom(logPath, startOffset);
    const exited: Promise<RunExit> = new Promise<{ code: number | null; signal: string | null }>(
      (resolve) => child.once('exit', (code, signal) => resolve({ code, signal })),
    ).then(async ({ code, signal }) => {
      running = false;
      const log = await readLog().catch(() => '');
      return { code, signal, error: classifyRunExit(vm, code, signal, log, logPath) };
    });
    return {
      name: vm,
      pid,
      logPath,
      exited,
      get running() {
        return running;
      },
      stop: () => {
        if (running) {
          try {
            process.kill(pid, 'SIGINT');
          } catch {
            // already gone
          }
        }
      },
      readLog,
    };
  }

  runLogPath(name: string): string {
    return path.join(this.logDir, `${parse(VmNameSchema, name, 'VM name')}.log`);
  }

  /** `tart ip <name> --wait <s>`: the VM's IP, or `tart.no-ip` when none appeared in time. */
  async ip(
    name: string,
    options: {
      waitSeconds?: number;
      resolver?: 'dhcp' | 'arp' | 'agent';
      signal?: AbortSignal;
    } = {},
  ): Promise<string> {
    const vm = parse(VmNameSchema, name, 'VM name');
    const wait = parse(z.number().int().min(0).max(65535), options.waitSeconds ?? 0, 'ip wait');
    const args = ['ip', vm, '--wait', String(wait)];
    if (options.resolver !== undefined) args.push('--resolver', options.resolver);
    const r = await this.call(args, {
      what: `Could not find the network address of the VM ${vm}`,
      vm,
      timeoutMs: wait * 1000 + this.timeouts.graceMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      waitSeconds: wait,
    });
    const ip = r.stdout.trim().split(/\s+/)[0] ?? '';
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !/^[0-9a-f:]+$/i.test(ip)) {
      throw badOutput(`tart ip ${vm}`, r.stdout);
    }
    return ip;
  }

  /** `tart stop`; `was-not-running` when it had already stopped (exit 2, contract §9). */
  async stop(
    name: string,
    options: { timeoutSeconds?: number } = {},
  ): Promise<'stopped' | 'was-not-running'> {
    const vm = parse(VmNameSchema, name, 'VM name');
    const seconds = options.timeoutSeconds ?? 30;
    try {
      await this.call(['stop', vm, '--timeout', String(seconds)], {
        what: `Could not stop the VM ${vm}`,
        vm,
        timeoutMs: seconds * 1000 + this.timeouts.graceMs,
      });
      return 'stopped';
    } catch (error) {
      if (error instanceof TartError && error.code === 'tart.vm-not-running')
        return 'was-not-running';
      throw error;
    }
  }

  /** `tart delete`; a running VM must be stopped first (`tart.vm-running`). */
  async delete(name: string): Promise<void> {
    const vm = parse(VmNameSchema, name, 'VM name');
    await this.call(['delete', vm], { what: `Could not delete the VM ${vm}`, vm });
  }

  /** `tart rename`; only rename stopped VMs. */
  async rename(from: string, to: string): Promise<void> {
    const a = parse(VmNameSchema, from, 'VM name');
    const b = parse(NewVmNameSchema, to, 'new VM name');
    await this.call(['rename', a, b], {
      what: `Could not rename the VM ${a} to ${b}`,
      vm: a,
      target: b,
    });
  }

  /** Local VMs (`tart list --source local --format json`). */
  async list(): Promise<VmListEntry[]> {
    const r = await this.call(['list', '--source', 'local', '--format', 'json'], {
      what: 'Could not list the VMs',
    });
    return parseList(r.stdout);
  }

  /** `tart get <name> --format json`. */
  async get(name: string): Promise<VmDetails> {
    const vm = parse(VmNameSchema, name, 'VM name');
    const r = await this.call(['get', vm, '--format', 'json'], {
      what: `Could not read the VM ${vm}`,
      vm,
    });
    return parseGet(r.stdout);
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.get(name);
      return true;
    } catch (error) {
      if (error instanceof TartError && error.code === 'tart.vm-missing') return false;
      throw error;
    }
  }

  // ---------------------------------------------------------------- internals

  private async findTart(): Promise<string> {
    await this.checkHost();
    const found = await findBinary({
      name: 'tart',
      override: this.options.binary,
      order: ['path', 'well-known', 'login-shell'],
      pathEnv: this.env.PATH,
      wellKnown: [
        ...HOMEBREW_BINS.map((d) => path.join(d, 'tart')),
        '/Applications/tart.app/Contents/MacOS/tart',
      ],
      loginShell: this.loginShell,
    });
    if (!found.found) {
      throw new TartError({
        code: 'tart.not-installed',
        what: 'Tart is not installed',
        why: `Clave runs each session in a Tart VM, but no \`tart\` was found (looked in ${found.searched.join(', ')}).`,
        fix: `Install it with \`${TART_INSTALL_COMMAND}\`, then try again; or set its path in Settings.`,
      });
    }
    return found.path;
  }

  /** Apple silicon and macOS 13+ (contract header). Other platforms are not checked here. */
  private async checkHost(): Promise<void> {
    const platform = this.options.platform ?? process.platform;
    if (platform !== 'darwin') return;
    const arch = this.options.arch ?? process.arch;
    if (arch !== 'arm64') {
      const rosetta = await (this.options.isAppleSiliconUnderRosetta ?? appleSiliconUnderRosetta)();
      if (!rosetta) {
        throw new TartError({
          code: 'tart.not-apple-silicon',
          what: 'This Mac cannot run Clave’s VMs',
          why: 'Tart needs a Mac with Apple silicon (M1 or later); this one has an Intel processor.',
          fix: 'Run Clave on a Mac with Apple silicon.',
        });
      }
    }
    const darwinMajor = Number((this.options.osRelease ?? os.release()).split('.')[0]);
    if (Number.isFinite(darwinMajor) && darwinMajor > 0 && darwinMajor < 22) {
      throw new TartError({
        code: 'tart.macos-too-old',
        what: 'This macOS is too old for Tart',
        why: 'Tart needs macOS 13 (Ventura) or later.',
        fix: 'Update macOS in System Settings → General → Software Update.',
      });
    }
  }

  private async toolEnv(binary: string): Promise<NodeJS.ProcessEnv> {
    // tart finds softnet, tar and diskutil on PATH; a Finder-launched app has a minimal one.
    return {
      ...childEnv(this.env, TART_SECRETS),
      PATH: mergePath(
        [path.dirname(binary)],
        HOMEBREW_BINS,
        this.env.PATH,
        '/usr/bin:/bin:/usr/sbin:/sbin',
      ),
      CI: '1',
    };
  }

  private async call(
    args: string[],
    call: {
      what: string;
      vm?: string;
      target?: string;
      timeoutMs?: number;
      signal?: AbortSignal;
      onStdout?: (chunk: string) => void;
      waitSeconds?: number;
    },
  ): Promise<ToolResult> {
    const binary = await this.locate();
    const timeoutMs = call.timeoutMs ?? this.timeouts.defaultMs;
    const r = await runTool(binary, args, {
      env: await this.toolEnv(binary),
      keepSecrets: TART_SECRETS,
      timeoutMs,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      ...(call.onStdout === undefined ? {} : { onStdout: call.onStdout }),
    });
    if (r.spawnErrorCode !== undefined) {
      this.located = undefined;
      throw this.notInstalled(binary, r.spawnErrorCode);
    }
    if (r.timedOut) {
      throw new TartError({
        code: 'tart.timeout',
        what: call.what,
        why: `\`tart ${args[0] ?? ''}\` did not finish within ${Math.round(timeoutMs / 1000)} s.`,
        fix: 'Tart may be waiting on a lock held by another tart command (e.g. a large image download). Wait for it or quit it, then retry.',
        detail: tail(r.stderr + r.stdout),
      });
    }
    if (r.exitCode === 0) return r;
    throw classifyFailure({
      what: call.what,
      command: args[0] ?? '',
      vm: call.vm,
      target: call.target,
      exitCode: r.exitCode,
      stderr: r.stderr,
      stdout: r.stdout,
      waitSeconds: call.waitSeconds,
    });
  }

  private notInstalled(binary: string, reason: string): TartError {
    return new TartError({
      code: 'tart.not-installed',
      what: 'Tart could not be started',
      why: `Running ${binary} failed (${reason}).`,
      fix: `Reinstall Tart (\`brew uninstall tart && ${TART_INSTALL_COMMAND}\`) or fix its path in Settings.`,
    });
  }
}

// ---------------------------------------------------------------- pure helpers (exported for tests)

export function dirArgument(dir: z.output<typeof DirShareSchema>): string {
  const options = [
    ...(dir.readOnly === true ? ['ro'] : []),
    ...(dir.tag === undefined ? [] : [`tag=${dir.tag}`]),
  ];
  return `${dir.name === undefined ? '' : `${dir.name}:`}${dir.path}${options.length > 0 ? `:${options.join(',')}` : ''}`;
}

const StateSchema = z.enum(['running', 'suspended', 'stopped']);

const ListEntrySchema = z.object({
  Source: z.string(),
  Name: z.string(),
  Disk: z.number(),
  Size: z.union([z.number(), z.string()]),
  Accessed: z.string().optional(),
  Running: z.boolean(),
  State: StateSchema.optional(),
});

export function parseList(stdout: string): VmListEntry[] {
  const json = parseJson(stdout, 'tart list');
  const r = z.array(ListEntrySchema).safeParse(json);
  if (!r.success) throw badOutput('tart list', stdout);
  return r.data.map((e) => ({
    name: e.Name,
    source: e.Source === 'local' ? 'local' : 'OCI',
    diskGb: e.Disk,
    sizeGb: Number(e.Size),
    accessed: e.Accessed,
    running: e.Running,
    state: e.State ?? (e.Running ? 'running' : 'stopped'),
  }));
}

const GetSchema = z.object({
  OS: z.string(),
  CPU: z.number(),
  Memory: z.number(),
  Disk: z.number(),
  DiskFormat: z.string().optional(),
  Size: z.union([z.string(), z.number()]),
  Display: z.string(),
  Running: z.boolean(),
  State: StateSchema.optional(),
});

export function parseGet(stdout: string): VmDetails {
  const r = GetSchema.safeParse(parseJson(stdout, 'tart get'));
  if (!r.success) throw badOutput('tart get', stdout);
  const g = r.data;
  return {
    os: g.OS,
    cpu: g.CPU,
    memoryMb: g.Memory,
    diskGb: g.Disk,
    diskFormat: g.DiskFormat,
    size: String(g.Size),
    display: g.Display,
    running: g.Running,
    state: g.State ?? (g.Running ? 'running' : 'stopped'),
  };
}

const PATTERNS = {
  missing: /does not exist|non-existent local VM/i,
  notRunning: /is not running/i,
  alreadyRunning: /is already running/i,
  isRunning: /VM "[^"]*" is running/i,
  exists: /already exists/i,
  noIp: /no IP address found/i,
  limit: /exceeds the system limit|maximum supported number of active virtual machines/i,
  diskFull:
    /no space left on device|not enough (free )?(disk )?space|isn['’]t enough space|ENOSPC|disk is full|out of disk space/i,
  appleSilicon:
    /virtualization is not (available|supported)|only (supported|available) on apple silicon/i,
};

export interface FailureInput {
  what: string;
  command: string;
  vm: string | undefined;
  target?: string | undefined;
  exitCode: number | undefined;
  stderr: string;
  stdout: string;
  waitSeconds?: number | undefined;
}

/**
 * Every tart command but pull and clone garbage-collects `$TART_HOME/tmp` first and, when that
 * fails, prints `Failed to perform garbage collection: <error>` to stderr and carries on (openai/tart
 * Sources/tart/Root.swift, runGarbageCollection). That line says nothing about the command's own
 * failure, so it never becomes the reason or decides the kind; `detail` keeps it.
 */
export function withoutGcNoise(stderr: string): string {
  return stderr
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('Failed to perform garbage collection: '))
    .join('\n');
}

/** Map a failed tart call to a TartError (contract §0 exit codes and messages). */
export function classifyFailure(f: FailureInput): TartError {
  const stderr = withoutGcNoise(f.stderr);
  const text = `${stderr}\n${f.stdout}`;
  const said =
    firstLine(stderr) || firstLine(f.stdout) || `tart exited with ${f.exitCode ?? 'no status'}`;
  const detail = tail(`${f.stderr}\n${f.stdout}`);
  const vm = f.vm ?? 'the VM';
  const base = { what: f.what, detail };
  if (PATTERNS.limit.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-limit',
      why: `macOS refuses to run more VMs at once: ${said}`,
      fix: 'Stop another session (or any other Tart VM: `tart list`, then `tart stop <name>`) and try again.',
    });
  }
  if (PATTERNS.diskFull.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.disk-full',
      why: `The disk is full: ${said}`,
      fix: 'Free some disk space (remove sessions you no longer need, old base VMs, or run `tart prune --entries caches --older-than 7`) and try again.',
    });
  }
  if (PATTERNS.missing.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-missing',
      why: `Tart has no VM named ${vm}.`,
      fix:
        f.command === 'clone'
          ? 'Build the base VM first (Provision in the Clave menu), then start the session again.'
          : 'It was deleted outside Clave; start a new session.',
    });
  }
  if (PATTERNS.noIp.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.no-ip',
      why: `${vm} got no network address${f.waitSeconds === undefined ? '' : ` within ${f.waitSeconds} s`} (${said}).`,
      fix: 'If many VMs were started today, the Mac’s DHCP lease pool may be full: run `sudo rm /var/db/dhcpd_leases` (and see Tart’s FAQ on DHCPLeaseTimeSecs), then start the session again.',
    });
  }
  if (PATTERNS.alreadyRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-already-running',
      why: `${vm} is already running.`,
      fix: 'Use the running VM, or stop it first (`tart stop`).',
    });
  }
  if (PATTERNS.notRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-not-running',
      why: `${vm} is not running.`,
      fix: 'Start it first, or ignore this when cleaning up.',
    });
  }
  if (PATTERNS.isRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-running',
      why: `${vm} is still running.`,
      fix: 'Stop it first (`tart stop`), then try again.',
    });
  }
  if (PATTERNS.exists.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-exists',
      why: `A VM named ${f.target ?? 'like that'} already exists.`,
      fix: 'Delete the old VM first, or choose another name.',
    });
  }
  if (PATTERNS.appleSilicon.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.not-apple-silicon',
      why: `This Mac cannot run virtual machines: ${said}`,
      fix: 'Run Clave on a Mac with Apple silicon and macOS 13 or later (and not inside another VM).',
    });
  }
  return new TartError({
    ...base,
    code: 'tart.failed',
    why: said,
    fix:
      f.exitCode === 64
        ? 'Clave called tart wrongly; this is a bug, please report it.'
        : 'See the details; retry, or check `tart` in Terminal.',
  });
}

/** Decide from a finished `tart run` whether (and how) the VM failed. */
export function classifyRunExit(
  name: string,
  code: number | null,
  signal: string | null,
  log: string,
  logPath: string,
): TartError | null {
  const crashed = /guest has stopped the virtual machine due to error/i.test(log);
  if (code === 0 && signal === null && !crashed) return null;
  if (code === 0 && signal === null && crashed) {
    return new TartError({
      code: 'tart.vm-exited',
      what: `The VM ${name} crashed`,
      why: firstLine(log.slice(log.search(/guest has stopped the virtual machine due to error/i))),
      fix: `See the VM log (${logPath}); start the session again.`,
      detail: tail(log),
    });
  }
  const classified = classifyFailure({
    what: `The VM ${name} could not run`,
    command: 'run',
    vm: name,
    exitCode: code ?? undefined,
    stderr: log,
    stdout: '',
  });
  if (classified.code !== 'tart.failed') return classified;
  return new TartError({
    code: 'tart.vm-exited',
    what: `The VM ${name} stopped unexpectedly`,
    why:
      signal !== null
        ? `tart run was killed by ${signal}.`
        : `tart run exited with ${code ?? 'no status'}: ${firstLine(lastLines(withoutGcNoise(log), 5)) || 'no output'}`,
    fix: `See the VM log (${logPath}); start the session again.`,
    detail: tail(log),
  });
}

/** Progress output (CI=1: plain lines) delivered one trimmed, non-empty line at a time. */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line.trim());
  };
}

function lastLines(text: string, n: number): string {
  return text.trim().split(/\r?\n/).slice(-n).join('\n');
}

function parseJson(stdout: string, command: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw badOutput(command, stdout);
  }
}

function badOutput(command: string, stdout: string): TartError {
  return new TartError({
    code: 'tart.bad-output',
    what: `Could not understand \`${command}\``,
    why: `Its output is not what this version of Clave expects: ${firstLine(stdout) || '(empty)'}`,
    fix: 'Update Tart and Clave to their current versions.',
    detail: tail(stdout),
  });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, label: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new TartError({
      code: 'tart.invalid-input',
      what: `Invalid ${label}`,
      why: `${JSON.stringify(value)}: ${r.error.issues.map((i) => i.message).join('; ')}`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
  return r.data;
}

export async function appleSiliconUnderRosetta(): Promise<boolean> {
  const r = await runTool('/usr/sbin/sysctl', ['-n', 'hw.optional.arm64'], {
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
    timeoutMs: 5000,
  });
  return r.exitCode === 0 && r.stdout.trim() === '1';
}

async function rotateIfLarge(logPath: string): Promise<void> {
  try {
    if ((await stat(logPath)).size > MAX_LOG_BYTES) await rename(logPath, `${logPath}.1`);
  } catch {
    // no log yet
  }
}

async function readFrom(file: string, offset: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const start = Math.max(offset, size - 256 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    await fh.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await fh.close();
  }
}
