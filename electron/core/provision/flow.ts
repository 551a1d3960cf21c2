// The provision flow (the seed's ProvisionCommand): build the base VM that every session clones.
//
//   clone the OCI image (or, for --update, the base) to a temporary VM → set cpu/memory/MAC →
//   boot it with the script's folder shared → wait for an address, then ssh → mount the share →
//   run the script, streaming its output → shut down → only then give it the base name.
//
// The base name only ever points at a finished image: a failure or an interruption at any stage
// stops and deletes the temporary VM, and an existing base is swapped out only after its
// replacement is complete (rename old aside → rename new in → delete old). A lock in the data dir
// keeps two provisions from racing; leftovers of a crashed run are cleaned up by the next one.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, unlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HostError, firstLine, tail } from '../host/errors';
import { isAlive } from '../host/process-alive';
import { command } from '../host/shell-quote';
import { hostDeps } from './host-binding';
import { LineSplitter } from './lines';
import { parseMarker } from './markers';
import type { GuestShell, ProvisionDeps, RunningVm } from './ports';
import { STAMP_PATH, scriptSteps, toScript } from './script';
import { ProvisionSpecError, parseSpec, specHash, type ProvisionSpec } from './spec';

export const DEFAULT_IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';
export const DEFAULT_BASE_VM = 'clave-base';
/** VirtioFS tag of the script share: not the default tag, which the image's fstab mounts. */
export const SCRIPT_TAG = 'clave-provision';
export const GUEST_SCRIPT_DIR = '/mnt/clave-provision';
export const SCRIPT_NAME = 'provision.sh';

export type ProvisionPhase =
  | 'prepare'
  | 'clone'
  | 'configure'
  | 'boot'
  | 'connect'
  | 'mount'
  | 'script'
  | 'shutdown'
  | 'finalize';

/** Share of the whole run each phase starts at (the script dominates a real provision). */
const PHASE_START: Record<ProvisionPhase, number> = {
  prepare: 0,
  clone: 0.01,
  configure: 0.1,
  boot: 0.11,
  connect: 0.14,
  mount: 0.17,
  script: 0.18,
  shutdown: 0.95,
  finalize: 0.98,
};

export type ProvisionEvent =
  | { type: 'phase'; phase: ProvisionPhase; message: string; fraction: number }
  | {
      type: 'step';
      index: number;
      total: number;
      id: string;
      title: string;
      fraction: number;
    }
  | { type: 'output'; source: 'tart' | 'guest'; line: string }
  | { type: 'cleanup'; message: string };

export type ProvisionOutcome = 'created' | 'rebuilt' | 'updated' | 'exists';

export interface ProvisionResult {
  outcome: ProvisionOutcome;
  baseVm: string;
  /** What the base was built from: the OCI image, or the old base for an update. */
  source: string;
  /** The full log of this run, or null when nothing had to be done. */
  logFile: string | null;
  specHash: string;
  seconds: number;
}

export type ProvisionErrorCode =
  | 'provision.invalid-input'
  | 'provision.busy'
  | 'provision.base-missing'
  | 'provision.base-running'
  | 'provision.clone-failed'
  | 'provision.configure-failed'
  | 'provision.boot-failed'
  | 'provision.vm-stopped'
  | 'provision.connect-failed'
  | 'provision.mount-failed'
  | 'provision.script-failed'
  | 'provision.shutdown-failed'
  | 'provision.finalize-failed'
  | 'provision.aborted';

export class ProvisionError extends HostError<ProvisionErrorCode> {
  /** Where it failed. */
  readonly phase: ProvisionPhase;
  /** The full log of the run (null if it failed before the log existed). */
  readonly logFile: string | null;
  /** The script section that failed, for `provision.script-failed`. */
  readonly step: string | undefined;

  constructor(
    init: ConstructorParameters<typeof HostError<ProvisionErrorCode>>[0] & {
      phase: ProvisionPhase;
      logFile?: string | null;
      step?: string;
    },
  ) {
    super(init);
    this.phase = init.phase;
    this.logFile = init.logFile ?? null;
    this.step = init.step;
  }
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name');

export const ProvisionOptions = z
  .object({
    /** Clave's data dir: the lock, the script's shared folder and (by default) the logs live here. */
    dataDir: z.string().min(1),
    /** Where the run's log goes; `<dataDir>/logs` by default. */
    logDir: z.string().min(1).optional(),
    // Tart names Clave creates: [a-z0-9-]; 50 leaves room for the `-tmp-<8 hex>` suffix.
    baseVm: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'a VM name of lowercase letters, digits and -')
      .default(DEFAULT_BASE_VM),
    /** OCI image (or local VM) to build from. */
    image: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'an OCI reference like ghcr.io/org/image:tag')
      .default(DEFAULT_IMAGE),
    /** Rebuild even though the base exists (it is replaced only when the new one is finished). */
    force: z.boolean().default(false),
    /** Upgrade packages and Claude Code of the existing base (on a copy, then swapped in). */
    update: z.boolean().default(false),
    cpus: z.number().int().min(1).max(64).default(4),
    memoryMb: z.number().int().min(1024).max(262144).default(8192),
    /** Grow the disk to this many GB (the images are 20 GB; they can only grow). */
    diskGb: z.number().int().min(10).max(2000).optional(),
    /** What goes into the image (see spec.ts). */
    spec: z.unknown().optional(),
    ssh: z
      .object({
        user: z.string().min(1).default('admin'),
        password: z.string().optional(),
        privateKey: z.string().optional(),
        port: z.number().int().min(1).max(65535).default(22),
      })
      .prefault({}),
    timeouts: z
      .object({
        ipSeconds: z.number().int().positive().default(120),
        sshSeconds: z.number().int().positive().default(120),
        mountSeconds: z.number().int().positive().default(30),
        scriptSeconds: z.number().int().positive().default(3600),
        shutdownSeconds: z.number().int().positive().default(60),
      })
      .prefault({}),
    /** Extra environment for the script, e.g. HTTP(S)_PROXY. Values are never logged. */
    scriptEnv: z.record(envName, z.string()).default({}),
  })
  .refine((o) => !(o.force && o.update), {
    message: '--force and --update cannot be combined',
    path: ['update'],
  });

export type ProvisionOptionsInput = z.input<typeof ProvisionOptions>;
type Options = z.output<typeof ProvisionOptions>;

export interface ProvisionHooks {
  onProgress?: (event: ProvisionEvent) => void;
  /** Abort = interrupt: the temporary VM is stopped and deleted, the base is left as it was. */
  signal?: AbortSignal;
  /** The outside world; the host adapters (tart, ssh) unless given. */
  deps?: ProvisionDeps;
}

/**
 * Build (or rebuild, or update) the base VM. Resolves with what was done; rejects with a
 * ProvisionError naming the phase, what to do, and the log file.
 */
export async function provision(
  options: ProvisionOptionsInput,
  hooks: ProvisionHooks = {},
): Promise<ProvisionResult> {
  const parsed = ProvisionOptions.safeParse(options);
  if (!parsed.success) {
    throw invalidInput(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
    );
  }
  let spec: ProvisionSpec;
  try {
    spec = parseSpec(parsed.data.spec ?? {});
  } catch (error) {
    if (error instanceof ProvisionSpecError) throw invalidInput(error.issues);
    throw error;
  }
  const deps =
    hooks.deps ??
    hostDeps({
      vmLogDir: path.join(parsed.data.logDir ?? path.join(parsed.data.dataDir, 'logs'), 'vms'),
    });
  return new ProvisionRun(parsed.data, spec, deps, hooks).execute();
}

function invalidInput(issues: string[]): ProvisionError {
  return new ProvisionError({
    code: 'provision.invalid-input',
    phase: 'prepare',
    what: 'Invalid provisioning settings',
    why: issues.join('; '),
    fix: 'Correct the settings named above and run the provision again.',
  });
}

class VmStoppedError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly why: string | undefined,
  ) {
    super(why ?? `The VM stopped unexpectedly (exit ${exitCode ?? 'unknown'})`);
  }
}

class ProvisionRun {
  private readonly started = Date.now();
  private readonly internal = new AbortController();
  private readonly signal: AbortSignal;
  private readonly runId = randomBytes(4).toString('hex');
  private readonly logDir: string;
  private logFile: string | null = null;
  private log: WriteStream | null = null;
  private lockFile: string | null = null;
  private phase: ProvisionPhase = 'prepare';
  private tempVm: string | null = null;
  private vm: RunningVm | null = null;
  private shell: GuestShell | null = null;
  private scriptDir: string | null = null;
  private stopping = false;
  private inflight: Promise<void> = Promise.resolve();
  private lastStep: { id: string; title: string } | null = null;
  private recentOutput: string[] = [];

  constructor(
    private readonly o: Options,
    private readonly spec: ProvisionSpec,
    private readonly deps: ProvisionDeps,
    private readonly hooks: ProvisionHooks,
  ) {
    this.logDir = o.logDir ?? path.join(o.dataDir, 'logs');
    this.signal = hooks.signal
      ? AbortSignal.any([hooks.signal, this.internal.signal])
      : this.internal.signal;
  }

  async execute(): Promise<ProvisionResult> {
    const { o } = this;
    const mode = o.update ? 'update' : 'install';
    const hash = specHash(this.spec);
    try {
      this.checkAbort();
      await this.openLog();
      await this.acquireLock();

      this.enter('prepare', `Looking for the base VM ${o.baseVm}`);
      const baseExisted = await this.prepare();
      if (baseExisted && !o.force && !o.update) {
        this.note(`${o.baseVm} already exists; nothing to do (use --force to rebuild).`);
        return this.result('exists', hash);
      }

      const temp = `${o.baseVm}-tmp-${this.runId}`;
      const source = o.update ? o.baseVm : o.image;
      this.enter('clone', o.update ? `Copying ${o.baseVm}` : `Cloning ${o.image}`);
      if (!o.update && isRemoteImage(o.image)) await this.refreshImage();
      this.tempVm = temp; // from here on, failure means: delete it
      await this.track(
        this.deps.vms.clone(source, temp, {
          signal: this.signal,
          onOutput: (line) => this.output('tart', line),
        }),
      );

      this.enter('configure', `Giving ${temp} ${o.cpus} CPUs and ${o.memoryMb} MB`);
      await this.track(
        this.deps.vms.configure(
          temp,
          { cpus: o.cpus, memoryMb: o.memoryMb, ...(o.diskGb ? { diskGb: o.diskGb } : {}) },
          this.signal,
        ),
      );
      const script = toScript(this.spec, mode);
      await this.writeScript(script);

      this.enter('boot', `Booting ${temp}`);
      this.vm = await this.track(
        this.deps.vms.run(temp, {
          shares: [{ path: this.scriptDir!, tag: SCRIPT_TAG, readOnly: true }],
        }),
      );
      void this.vm.exited.then((exit) => {
        if (!this.stopping) this.internal.abort(new VmStoppedError(exit.code, exit.why));
      });
      this.note(`tart run output: ${this.vm.logFile}`);
      const ip = await this.track(this.deps.vms.waitForIp(temp, o.timeouts.ipSeconds, this.signal));

      this.enter('connect', `Waiting for ssh on ${ip}`);
      this.shell = await this.track(
        this.deps.connect({
          host: ip,
          port: o.ssh.port,
          username: o.ssh.user,
          // The cirruslabs images log in as admin/admin; a key replaces the default password.
          ...(o.ssh.privateKey === undefined
            ? { password: o.ssh.password ?? 'admin' }
            : { privateKey: o.ssh.privateKey }),
          ...(o.ssh.privateKey !== undefined && o.ssh.password !== undefined
            ? { password: o.ssh.password }
            : {}),
          deadlineMs: o.timeouts.sshSeconds * 1000,
          signal: this.signal,
        }),
      );

      this.enter('mount', `Mounting the script folder at ${GUEST_SCRIPT_DIR}`);
      await this.mountScript(script);
      if (o.update) await this.noteBaseStamp(hash);

      const total = scriptSteps(this.spec, mode).length;
      this.enter('script', `Running the provisioning script (${total} sections)`);
      await this.runScript();

      this.enter('shutdown', `Shutting down ${temp}`);
      await this.shutdown(temp);

      this.enter('finalize', `Naming the new image ${o.baseVm}`);
      this.checkAbort();
      await this.swapIn(temp, baseExisted);
      this.note(`Done: ${o.baseVm} is ready.`);
      return this.result(o.update ? 'updated' : baseExisted ? 'rebuilt' : 'created', hash, source);
    } catch (error) {
      // A dropped ssh connection usually means the VM died: give its exit a moment to arrive,
      // so the error says so instead of "disconnected".
      if ((error as { code?: unknown }).code === 'ssh.disconnected') await this.vmExitedMeanwhile();
      const failure = withLogHint(this.toProvisionError(error));
      this.note(`FAILED (${failure.phase}): ${failure.what}: ${failure.why}`);
      await this.cleanup();
      throw failure;
    } finally {
      await this.releaseLock();
      if (this.scriptDir) await rm(this.scriptDir, { recursive: true, force: true });
      await this.closeLog();
    }
  }

  // ---- phases -------------------------------------------------------------------------------

  /** Recover from an interrupted swap, remove leftovers of crashed runs; true if a base exists. */
  private async prepare(): Promise<boolean> {
    const { baseVm } = this.o;
    let vms = await this.track(this.deps.vms.list());
    const olds = vms.filter((v) => v.name.startsWith(`${baseVm}-old-`));
    if (!vms.some((v) => v.name === baseVm) && olds.length > 0 && olds[0]) {
      // A previous run moved the old base aside and died before finishing: put it back.
      this.note(`Restoring ${baseVm} from ${olds[0].name} (left by an interrupted provision)`);
      await this.deps.vms.rename(olds[0].name, baseVm);
      vms = await this.deps.vms.list();
    }
    for (const vm of vms) {
      if (vm.name.startsWith(`${baseVm}-tmp-`) || vm.name.startsWith(`${baseVm}-old-`)) {
        this.note(`Removing ${vm.name}, left over by an earlier provision`);
        if (vm.running) await this.deps.vms.stop(vm.name, 30);
        await this.deps.vms.delete(vm.name);
      }
    }
    const base = vms.find((v) => v.name === baseVm);
    if (!base && this.o.update) {
      throw new ProvisionError({
        code: 'provision.base-missing',
        phase: 'prepare',
        what: `There is no base VM ${baseVm} to update`,
        why: 'The base image has not been provisioned yet (or was deleted).',
        fix: 'Run `clave provision` without --update to build it.',
        logFile: this.logFile,
      });
    }
    if (base?.running && (this.o.force || this.o.update)) {
      throw new ProvisionError({
        code: 'provision.base-running',
        phase: 'prepare',
        what: `The base VM ${baseVm} is running`,
        why: 'A running base cannot be replaced (something booted it by hand).',
        fix: `Stop it with \`tart stop ${baseVm}\`, then run the provision again.`,
        logFile: this.logFile,
      });
    }
    return base !== undefined;
  }

  /** Fetch the current image; offline with a cached copy, build from that (and say so). */
  private async refreshImage(): Promise<void> {
    try {
      await this.track(
        this.deps.vms.pull(this.o.image, {
          signal: this.signal,
          onOutput: (line) => this.output('tart', line),
        }),
      );
    } catch (error) {
      this.checkAbort();
      this.note(
        `Could not refresh ${this.o.image} (${messageOf(error)}); using the cached copy if any.`,
      );
      this.emit({
        type: 'output',
        source: 'tart',
        line: `warning: could not refresh ${this.o.image}; using the cached copy if there is one`,
      });
    }
  }

  /** For --update: say so in the log when the base was built from other settings. */
  private async noteBaseStamp(hash: string): Promise<void> {
    const r = await this.track(
      this.shell!.exec(command(['cat', STAMP_PATH]), { timeoutMs: 15_000, signal: this.signal }),
    );
    let previous: string | undefined;
    try {
      previous = (JSON.parse(r.stdout) as { specHash?: string }).specHash;
    } catch {
      previous = undefined;
    }
    if (previous === undefined) {
      this.note(`The base has no readable ${STAMP_PATH}; updating it with spec ${hash}.`);
    } else if (previous !== hash) {
      this.note(`The base was built with spec ${previous}; the update applies spec ${hash}.`);
    }
  }

  private async writeScript(script: string): Promise<void> {
    const root = path.join(this.o.dataDir, 'provision');
    await mkdir(root, { recursive: true });
    this.scriptDir = await mkdtemp(path.join(root, `${this.runId}-`));
    // The guest reads it through the share; nothing in it is secret.
    await chmod(this.scriptDir, 0o755);
    await writeFile(path.join(this.scriptDir, SCRIPT_NAME), script, { mode: 0o755 });
    this.note(`Script: ${path.join(this.scriptDir, SCRIPT_NAME)} (spec ${specHash(this.spec)})`);
  }

  private async mountScript(script: string): Promise<void> {
    const shell = this.shell!;
    const want = createHash('sha256').update(script).digest('hex');
    const file = `${GUEST_SCRIPT_DIR}/${SCRIPT_NAME}`;
    const mount = [
      command(['sudo', '-n', 'mkdir', '-p', GUEST_SCRIPT_DIR]),
      `{ ${command(['mountpoint', '-q', GUEST_SCRIPT_DIR])} || ${command(['sudo', '-n', 'mount', '-t', 'virtiofs', SCRIPT_TAG, GUEST_SCRIPT_DIR])}; }`,
      command(['sha256sum', file]),
    ].join(' && ');
    const deadline = Date.now() + this.o.timeouts.mountSeconds * 1000;
    let last: string;
    for (let attempt = 1; ; attempt++) {
      const r = await this.track(shell.exec(mount, { timeoutMs: 30_000, signal: this.signal }));
      const got = r.stdout.trim().split(/\s+/)[0] ?? '';
      if (r.code === 0 && got === want) return;
      last =
        r.code === 0
          ? `the shared ${SCRIPT_NAME} does not match the generated one (sha256 ${got})`
          : firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.code}`;
      this.note(`mount attempt ${attempt}: ${last}`);
      if (Date.now() >= deadline) break;
      await this.sleep(Math.min(500 * attempt, 2000));
    }
    throw new ProvisionError({
      code: 'provision.mount-failed',
      phase: 'mount',
      what: 'Could not mount the provisioning script inside the VM',
      why: last,
      fix: `Check that the image supports VirtioFS (virtiofs kernel module); the share is tagged ${SCRIPT_TAG}. Then run the provision again.`,
      logFile: this.logFile,
    });
  }

  private async runScript(): Promise<void> {
    const shell = this.shell!;
    const env = Object.entries(this.o.scriptEnv).map(([k, v]) => `${k}=${v}`);
    const cmd = command([
      'sudo',
      '-n',
      'env',
      ...env,
      'bash',
      `${GUEST_SCRIPT_DIR}/${SCRIPT_NAME}`,
    ]);
    const names = Object.keys(this.o.scriptEnv);
    this.note(
      `Running ${GUEST_SCRIPT_DIR}/${SCRIPT_NAME} as root${names.length ? ` (env: ${names.join(', ')})` : ''}`,
    );
    let failedMarker: { id: string; exitCode: number; line: number } | null = null;
    let completed = false;
    const onLine = (line: string) => {
      const marker = parseMarker(line);
      if (marker?.kind === 'step') {
        this.lastStep = { id: marker.id, title: marker.title };
        const span = PHASE_START.shutdown - PHASE_START.script;
        this.emit({
          type: 'step',
          index: marker.index,
          total: marker.total,
          id: marker.id,
          title: marker.title,
          fraction: PHASE_START.script + (span * (marker.index - 1)) / marker.total,
        });
      } else if (marker?.kind === 'fail') {
        failedMarker = marker;
      } else if (marker?.kind === 'complete') {
        completed = true;
      }
      this.output('guest', line);
    };
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    const result = await this.track(
      shell.exec(cmd, {
        timeoutMs: this.o.timeouts.scriptSeconds * 1000,
        signal: this.signal,
        onStdout: (c) => out.push(c),
        onStderr: (c) => err.push(c),
      }),
    );
    out.end();
    err.end();
    if (result.code === 0 && completed) return;
    if (result.code === null && (await this.vmExitedMeanwhile())) this.checkAbort();
    const step = this.lastStep;
    const fm = failedMarker as { id: string; exitCode: number; line: number } | null;
    const context = this.recentOutput
      .filter((l) => parseMarker(l) === null && l.trim() !== '')
      .slice(-1)[0];
    throw new ProvisionError({
      code: 'provision.script-failed',
      phase: 'script',
      step: fm?.id ?? step?.id,
      what: step ? `Provisioning failed at "${step.title}"` : 'The provisioning script failed',
      why:
        result.code === 0
          ? 'The script ended without reporting completion.'
          : `It exited with ${result.code ?? 'a signal'}${fm ? ` at line ${fm.line}` : ''}${context ? `: ${context.trim()}` : '.'}`,
      fix: `Read the log (${this.logFile}); a network hiccup is the usual cause — run the provision again. Nothing was changed: ${this.o.baseVm} is as it was.`,
      detail: tail(this.recentOutput.join('\n'), 4000),
      logFile: this.logFile,
    });
  }

  private async shutdown(temp: string): Promise<void> {
    const shell = this.shell!;
    // Flush the guest's page cache: a Tart stop is a power cut for the guest.
    const sync = await this.track(
      shell.exec(command(['sudo', '-n', 'sync']), { timeoutMs: 120_000, signal: this.signal }),
    );
    if (sync.code !== 0) this.note(`sync exited with ${sync.code}: ${firstLine(sync.stderr)}`);
    await shell.close().catch(() => {});
    this.shell = null;
    this.stopping = true;
    const vm = this.vm!;
    if (vm.requestShutdown()) {
      this.note('Asked the guest to shut down');
      const exited = await this.within(vm.exited, this.o.timeouts.shutdownSeconds * 1000);
      if (exited.done) {
        this.vm = null;
        return;
      }
      this.note(`The guest did not shut down in ${this.o.timeouts.shutdownSeconds} s; stopping it`);
    }
    try {
      await this.deps.vms.stop(temp, 30);
      await this.within(vm.exited, 30_000);
      this.vm = null;
    } catch (error) {
      throw new ProvisionError({
        code: 'provision.shutdown-failed',
        phase: 'shutdown',
        what: `Could not stop ${temp}`,
        why: messageOf(error),
        fix: 'Run the provision again; it removes the leftover VM first.',
        logFile: this.logFile,
        cause: error,
      });
    }
  }

  /** The only step that touches the base name; uninterruptible, and reversible until the end. */
  private async swapIn(temp: string, baseExisted: boolean): Promise<void> {
    const { baseVm } = this.o;
    const fail = (error: unknown, why: string) =>
      new ProvisionError({
        code: 'provision.finalize-failed',
        phase: 'finalize',
        what: `Could not name the new image ${baseVm}`,
        why: `${why}: ${messageOf(error)}`,
        fix: 'Run the provision again.',
        logFile: this.logFile,
        cause: error,
      });
    if (!baseExisted) {
      try {
        await this.deps.vms.rename(temp, baseVm);
      } catch (error) {
        throw fail(error, `renaming ${temp}`);
      }
      this.tempVm = null;
      return;
    }
    const old = `${baseVm}-old-${this.runId}`;
    try {
      await this.deps.vms.rename(baseVm, old);
    } catch (error) {
      throw fail(error, `moving the old ${baseVm} aside`);
    }
    try {
      await this.deps.vms.rename(temp, baseVm);
    } catch (error) {
      await this.deps.vms.rename(old, baseVm).catch((undo: unknown) => {
        this.note(`Could not put the old base back (${messageOf(undo)}); the next run will.`);
      });
      throw fail(error, `renaming ${temp}`);
    }
    this.tempVm = null;
    try {
      await this.deps.vms.delete(old);
    } catch (error) {
      this.note(
        `The old image ${old} could not be deleted (${messageOf(error)}); the next provision removes it.`,
      );
    }
  }

  /** Failure or interruption: stop and delete the temporary VM. Never throws. */
  private async cleanup(): Promise<void> {
    const temp = this.tempVm;
    if (this.shell) {
      await this.shell.close().catch(() => {});
      this.shell = null;
    }
    // An adapter call still running (e.g. a clone that ignores the abort) must finish first,
    // or it could create the VM after we deleted it.
    await this.within(this.inflight, 30_000);
    if (temp === null) return;
    this.emit({ type: 'cleanup', message: `Removing the temporary VM ${temp}` });
    this.note(`Cleaning up: stopping and deleting ${temp}`);
    this.stopping = true;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        // Stop unconditionally: a `run` that finished after an abort left a VM we hold no handle to.
        await this.deps.vms.stop(temp, 30);
        if (this.vm !== null) await this.within(this.vm.exited, 30_000);
        await this.deps.vms.delete(temp);
        this.tempVm = null;
        this.note(`Deleted ${temp}`);
        return;
      } catch (error) {
        this.note(`Cleanup attempt ${attempt} failed: ${messageOf(error)}`);
        await this.sleep(1000, false);
      }
    }
    this.note(`Could not delete ${temp}; the next provision removes it (or: tart delete ${temp}).`);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private result(outcome: ProvisionOutcome, hash: string, source?: string): ProvisionResult {
    return {
      outcome,
      baseVm: this.o.baseVm,
      source: source ?? this.o.image,
      logFile: outcome === 'exists' ? null : this.logFile,
      specHash: hash,
      seconds: Math.round((Date.now() - this.started) / 1000),
    };
  }

  private enter(phase: ProvisionPhase, message: string): void {
    this.checkAbort();
    this.phase = phase;
    this.note(`== ${phase}: ${message}`);
    this.emit({ type: 'phase', phase, message, fraction: PHASE_START[phase] });
  }

  private emit(event: ProvisionEvent): void {
    try {
      this.hooks.onProgress?.(event);
    } catch {
      // A broken progress listener must not break the provision.
    }
  }

  private output(source: 'tart' | 'guest', line: string): void {
    this.recentOutput.push(line);
    if (this.recentOutput.length > 200) this.recentOutput.shift();
    this.write(source === 'guest' ? `| ${line}` : `tart| ${line}`);
    this.emit({ type: 'output', source, line });
  }

  private note(message: string): void {
    this.write(`clave| ${message}`);
  }

  private write(line: string): void {
    this.log?.write(`${new Date().toISOString()} ${line}\n`);
  }

  private async openLog(): Promise<void> {
    await mkdir(this.logDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.logFile = path.join(this.logDir, `provision-${stamp}-${this.runId}.log`);
    this.log = createWriteStream(this.logFile, { flags: 'a', mode: 0o600 });
    const o = this.o;
    this.note(
      `clave provision: base ${o.baseVm}, image ${o.image}, ${o.force ? 'force' : o.update ? 'update' : 'create'}, ${o.cpus} CPUs, ${o.memoryMb} MB`,
    );
    this.note(`spec: ${JSON.stringify(this.spec)}`);
  }

  private async closeLog(): Promise<void> {
    const log = this.log;
    this.log = null;
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
  }

  private async acquireLock(): Promise<void> {
    await mkdir(this.o.dataDir, { recursive: true });
    const file = path.join(this.o.dataDir, 'provision.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(JSON.stringify({ pid: process.pid, run: this.runId }));
        await handle.close();
        this.lockFile = file;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readFile(file, 'utf8')
        .then((t) => JSON.parse(t) as { pid?: number })
        .catch(() => ({}) as { pid?: number });
      if (typeof holder.pid === 'number' && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new ProvisionError({
          code: 'provision.busy',
          phase: 'prepare',
          what: 'Another provision is already running',
          why: `Process ${holder.pid} holds ${file}.`,
          fix: 'Wait for it to finish (or stop it), then try again.',
          logFile: this.logFile,
        });
      }
      if (typeof holder.pid === 'number' && holder.pid === process.pid) {
        throw new ProvisionError({
          code: 'provision.busy',
          phase: 'prepare',
          what: 'A provision is already running in this process',
          why: `${file} is held by this process.`,
          fix: 'Wait for it to finish, then try again.',
          logFile: this.logFile,
        });
      }
      this.note(`Removing a stale lock left by process ${holder.pid ?? 'unknown'}`);
      await unlink(file).catch(() => {});
    }
    throw new Error(`could not take the provision lock ${file}`);
  }

  private async releaseLock(): Promise<void> {
    if (this.lockFile) await unlink(this.lockFile).catch(() => {});
    this.lockFile = null;
  }

  /** Await an adapter call, but give up on it at once when the run is aborted. */
  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight = promise.then(
      () => {},
      () => {},
    );
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Wait briefly for the VM's exit; true when it stopped (and the run is aborted because of it). */
  private async vmExitedMeanwhile(): Promise<boolean> {
    if (this.vm === null || this.stopping) return false;
    await this.within(this.vm.exited, 3000);
    await new Promise((resolve) => setImmediate(resolve));
    return this.internal.signal.reason instanceof VmStoppedError;
  }

  private checkAbort(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  private sleep(ms: number, abortable = true): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(done, ms);
      const signal = this.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(signal.reason as Error);
      }
      if (abortable) signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async within<T>(promise: Promise<T>, ms: number): Promise<{ done: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ done: boolean }>((resolve) => {
      timer = setTimeout(() => resolve({ done: false }), ms);
    });
    const settled = promise.then(
      () => ({ done: true }),
      () => ({ done: true }),
    );
    const r = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    return r;
  }

  private toProvisionError(error: unknown): ProvisionError {
    const phase = this.phase;
    const logFile = this.logFile;
    if (this.hooks.signal?.aborted) {
      return new ProvisionError({
        code: 'provision.aborted',
        phase,
        what: 'Provisioning was interrupted',
        why: `It was stopped during ${phase}.`,
        fix: `Nothing to undo: the temporary VM is removed and ${this.o.baseVm} is as it was. Run the provision again when ready.`,
        logFile,
        cause: error,
      });
    }
    const reason = this.internal.signal.reason as unknown;
    if (this.internal.signal.aborted && reason instanceof VmStoppedError) {
      return new ProvisionError({
        code: 'provision.vm-stopped',
        phase,
        what: `The temporary VM stopped during ${phase}`,
        why: `${reason.message.replace(/\.$/, '')}.${this.lastStep && phase === 'script' ? ` It was at "${this.lastStep.title}".` : ''}`,
        fix: `See the VM log (${this.vm?.logFile ?? 'next to the provision log'}); then run the provision again.`,
        detail: tail(this.recentOutput.join('\n'), 4000),
        logFile,
        cause: error,
      });
    }
    if (error instanceof ProvisionError) return error;
    const codes: Record<ProvisionPhase, ProvisionErrorCode> = {
      prepare: 'provision.clone-failed',
      clone: 'provision.clone-failed',
      configure: 'provision.configure-failed',
      boot: 'provision.boot-failed',
      connect: 'provision.connect-failed',
      mount: 'provision.mount-failed',
      script: 'provision.script-failed',
      shutdown: 'provision.shutdown-failed',
      finalize: 'provision.finalize-failed',
    };
    const host = error instanceof HostError ? error : null;
    const whatByPhase: Record<ProvisionPhase, string> = {
      prepare: 'Could not check the existing VMs',
      clone: `Could not clone ${this.o.update ? this.o.baseVm : this.o.image}`,
      configure: 'Could not configure the temporary VM',
      boot: 'The temporary VM did not boot',
      connect: 'Could not log in to the temporary VM',
      mount: 'Could not mount the provisioning script',
      script: 'The provisioning script could not run',
      shutdown: 'Could not shut down the temporary VM',
      finalize: `Could not name the new image ${this.o.baseVm}`,
    };
    return new ProvisionError({
      code: codes[phase],
      phase,
      what: whatByPhase[phase],
      why: host ? `${host.what}: ${host.why}` : messageOf(error),
      fix: host?.fix ?? `See the log (${logFile}) and run the provision again.`,
      ...(host?.detail === undefined ? {} : { detail: host.detail }),
      logFile,
      cause: error,
    });
  }
}

/** Every failure after the log exists points at it (the CLI and the app show `fix`). */
function withLogHint(error: ProvisionError): ProvisionError {
  if (error.logFile === null || error.fix.includes(error.logFile)) return error;
  return new ProvisionError({
    code: error.code,
    phase: error.phase,
    what: error.what,
    why: error.why,
    fix: `${error.fix} Full log: ${error.logFile}`,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.step === undefined ? {} : { step: error.step }),
    logFile: error.logFile,
    cause: error.cause ?? error,
  });
}

/** An OCI reference (host/namespace…) rather than the name of a local VM. */
function isRemoteImage(image: string): boolean {
  return image.includes('/');
}

function messageOf(error: unknown): string {
  if (error instanceof HostError) return `${error.what}: ${error.why}`;
  return error instanceof Error ? error.message : String(error);
}
