// The Tart CLI: one method per command, argument arrays, timeouts, detached `run`.
import { mkdir, open, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { z } from 'zod';
import { tail } from '../errors';
import { findBinary, LoginShellPath, mergePath } from '../find-binary';
import { childEnv } from '../child-env';
import { runTool, type ToolResult } from '../run-tool';
import { classifyFailure, classifyRunExit } from './classify';
import { TartError } from './errors';
import { readFrom, rotateIfLarge } from './logs';
import {
  CloneSourceSchema,
  dirArgument,
  DirShareSchema,
  NewVmNameSchema,
  SetOptionsSchema,
  VmNameSchema,
  type RunExit,
  type RunHandle,
  type RunOptions,
  type SetOptions,
  type TartOptions,
  type TartTimeouts,
  type VmDetails,
  type VmListEntry,
} from './options';
import { badOutput, parse, parseGet, parseList } from './parse';
import { appleSiliconUnderRosetta } from './platform';

/**
 * The tart adapter (contracts/tart.md): argument arrays, `--format json` for everything parsed,
 * `CI=1` so progress output is plain lines, a timeout on every call, and failures turned into
 * `TartError`s a person can act on. `run` is spawned detached with its output in a per-VM log file,
 * so a VM outlives the app; its handle gives the pid, the exit and the log path.
 */

/** Tart's own registry login (contract: storage and environment) is the one secret it needs. */
export const TART_SECRETS = ['TART_REGISTRY_PASSWORD'] as const;

export const HOMEBREW_BINS = ['/opt/homebrew/bin', '/usr/local/bin'];

/**
 * Tart ships from OpenAI's tap now; `cirruslabs/cli/tart` is frozen at 2.32.1
 * (openai/tart#1298, cirruslabs/gitlab-tart-executor#149).
 */
export const TART_INSTALL_COMMAND = 'brew install openai/tools/tart';

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

/** Progress output (CI=1: plain lines) delivered one trimmed, non-empty line at a time. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line.trim());
  };
}
