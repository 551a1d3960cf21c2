// Test helper: an in-memory VM host and guest shell for the provision flow's logic (ordering,
// failure handling, interruption, cleanup). Real processes are covered by the integration tests
// on the simulated VM host; this fake follows the same contract (vm/runtime.ts) and Tart's rules:
// clone onto an existing name replaces it, rename refuses an existing target, delete refuses a
// running VM, stop of a stopped VM is fine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HostError } from '../../host/errors';
import type {
  GuestExecResult,
  GuestShell,
  HostFolder,
  VmExit,
  VmInstance,
  VmRuntime,
  VmSummary,
} from '../../vm/runtime';
import type { GuestLogin, ProvisionDeps } from '../ports';
import { scriptSteps } from '../script';

type Method =
  | 'list'
  | 'pull'
  | 'stamp'
  | 'clone'
  | 'configure'
  | 'run'
  | 'waitForIp'
  | 'stop'
  | 'delete'
  | 'rename'
  | 'connect'
  | 'mount'
  | 'script'
  | 'sync';

interface FakeVm {
  /** Identity of the disk: which build this VM's contents come from. */
  disk: string;
  running: boolean;
  config: { cpus?: number; memoryMb?: number; diskGb?: number; macs: number };
}

export interface FakeScriptRun {
  /** Exit code of the script. */
  code: number;
  /** Stop after this many sections (then print a fail marker when code != 0). */
  sections?: number;
  /** Extra output lines before the end. */
  lines?: string[];
}

export class FakeHost {
  readonly vms = new Map<string, FakeVm>();
  readonly calls: string[] = [];
  /** method → error to throw (once per call, until cleared). */
  readonly failures = new Map<Method, Error>();
  /** Called when a method starts (e.g. to abort the run at that moment). */
  onCall: (method: Method, args: string[]) => void = () => {};
  /** Methods that ignore the abort signal and hang until `release()`. */
  readonly hang = new Set<Method>();
  scriptRun: FakeScriptRun = { code: 0 };
  mountFailures = 0;
  supportsShutdownRequest = true;
  /** The guest powers off by itself this long into the script (simulates a VM crash). */
  crashDuringScript = false;
  lastShares: Array<Pick<HostFolder, 'path' | 'tag' | 'readOnly'>> = [];
  lastScript = '';
  lastScriptCommand = '';
  lastLogin: GuestLogin | null = null;
  private releases: Array<() => void> = [];
  private running = new Map<string, { resolve: (exit: VmExit) => void }>();
  private builds = 0;

  constructor(initial: Record<string, string> = {}) {
    for (const [name, disk] of Object.entries(initial)) {
      this.vms.set(name, { disk, running: false, config: { macs: 0 } });
    }
  }

  release(): void {
    for (const r of this.releases.splice(0)) r();
  }

  names(): string[] {
    return [...this.vms.keys()].sort();
  }

  deps(): ProvisionDeps {
    const vms: VmRuntime = {
      kind: 'tart',
      sharesFolders: true,
      list: async () => {
        await this.enter('list', []);
        return [...this.vms].map(([name, vm]): VmSummary => ({ name, running: vm.running }));
      },
      // Provisioning shares nothing from the project: every folder is fine here.
      unsharable: () => null,
      exists: async (name) => this.vms.has(name),
      pull: async (ref, { signal, onOutput } = {}) => {
        await this.enter('pull', [ref], signal);
        onOutput?.(`pulling ${ref}`);
      },
      clone: async (source, target, { signal, onOutput } = {}) => {
        await this.enter('clone', [source, target], signal);
        const src = this.vms.get(source);
        const disk = src ? src.disk : `image:${source}`;
        onOutput?.('pulling manifest...');
        onOutput?.('100%');
        this.vms.set(target, { disk: `${disk}+copy`, running: false, config: { macs: 0 } });
      },
      configure: async (name, config, signal) => {
        await this.enter('configure', [name, JSON.stringify(config)], signal);
        const vm = this.must(name);
        vm.config = { ...vm.config, ...config, macs: vm.config.macs + 1 };
      },
      start: async (name, { folders }) => {
        await this.enter('run', [name]);
        const vm = this.must(name);
        if (vm.running) throw new Error(`VM "${name}" is already running!`);
        vm.running = true;
        this.lastShares = folders.map(({ path, tag, readOnly }) => ({ path, tag, readOnly }));
        const share = folders[0];
        if (share) this.lastScript = readFileSync(path.join(share.path, 'provision.sh'), 'utf8');
        let resolve!: (exit: VmExit) => void;
        const exited = new Promise<VmExit>((r) => (resolve = r));
        this.running.set(name, { resolve });
        const handle: VmInstance = {
          name,
          pid: undefined,
          worker: null,
          exited,
          logFile: `/fake/logs/${name}.log`,
          stop: () => this.powerOff(name, null),
          requestShutdown: () => {
            if (!this.supportsShutdownRequest) return false;
            setTimeout(() => this.powerOff(name, 0), 5);
            return true;
          },
        };
        return handle;
      },
      endpoint: async (name, port, { signal }) => {
        await this.enter('waitForIp', [name], signal);
        this.must(name);
        return { host: '192.168.64.7', port };
      },
      attach: (shell, folder, signal) =>
        shell.exec(`sudo -n mount -t virtiofs ${folder.tag} ${folder.guestPath}`, {
          timeoutMs: 30_000,
          ...(signal ? { signal } : {}),
        }),
      collect: async () => {},
      forwardPort: () => Promise.reject(new Error('provisioning forwards no ports')),
      stop: async (name) => {
        await this.enter('stop', [name]);
        const vm = this.vms.get(name);
        if (vm?.running) this.powerOff(name, 0);
      },
      delete: async (name) => {
        await this.enter('delete', [name]);
        const vm = this.vms.get(name);
        if (vm?.running) throw new Error(`VM "${name}" is running`);
        this.vms.delete(name);
      },
      rename: async (from, to) => {
        await this.enter('rename', [from, to]);
        const vm = this.must(from);
        if (this.vms.has(to)) throw new Error(`target VM ${to} already exists, delete it first!`);
        this.vms.delete(from);
        this.vms.set(to, vm);
      },
    };
    return {
      vms,
      connect: async (login) => {
        await this.enter('connect', [login.host], login.signal);
        this.lastLogin = login;
        return this.shell();
      },
    };
  }

  private shell(): GuestShell {
    let open = true;
    const pending = new Set<(error: Error) => void>();
    const exec = async (
      cmd: string,
      options: Parameters<GuestShell['exec']>[1],
    ): Promise<GuestExecResult> => {
      if (!open) throw new Error('connection closed');
      // Like an ssh channel: closing the connection ends every command on it.
      return new Promise((resolve, reject) => {
        pending.add(reject);
        this.execute(cmd, options)
          .then(resolve, reject)
          .finally(() => pending.delete(reject));
      });
    };
    return {
      exec,
      close: async () => {
        open = false;
        for (const reject of pending) reject(new Error('connection closed'));
      },
    };
  }

  private async execute(
    cmd: string,
    options: Parameters<GuestShell['exec']>[1],
  ): Promise<GuestExecResult> {
    if (cmd.includes('mount -t virtiofs')) {
      await this.enter('mount', [cmd], options.signal);
      if (this.mountFailures > 0) {
        this.mountFailures--;
        return { code: 32, stdout: '', stderr: 'mount: wrong fs type' };
      }
      return { code: 0, stdout: '', stderr: '' };
    }
    if (cmd.startsWith('sha256sum ')) {
      const hash = createHash('sha256').update(this.lastScript).digest('hex');
      return { code: 0, stdout: `${hash}  /mnt/clave-provision/provision.sh\n`, stderr: '' };
    }
    if (cmd.includes('provision.sh')) {
      this.lastScriptCommand = cmd;
      await this.enter('script', [cmd], options.signal);
      return this.runScript(options);
    }
    if (cmd.includes('base-image.json')) {
      await this.enter('stamp', [cmd], options.signal);
      return { code: 0, stdout: '{"specHash":"0123456789abcdef"}', stderr: '' };
    }
    if (cmd.includes('sync')) {
      await this.enter('sync', [cmd], options.signal);
      return { code: 0, stdout: '', stderr: '' };
    }
    return { code: 127, stdout: '', stderr: `unexpected command ${cmd}` };
  }

  private async runScript(options: {
    onStdout?: (c: Buffer) => void;
    signal?: AbortSignal;
  }): Promise<GuestExecResult> {
    const mode = this.lastScript.includes('CLAVE_MODE=update') ? 'update' : 'install';
    const steps = scriptSteps({}, mode);
    const run = this.scriptRun;
    const count = Math.min(run.sections ?? steps.length, steps.length);
    const out = (line: string) => options.onStdout?.(Buffer.from(`${line}\n`));
    for (let i = 0; i < count; i++) {
      const s = steps[i]!;
      out(`::clave::step ${i + 1}/${steps.length} ${s.id} ${s.title}`);
      if (this.crashDuringScript && i === 2) {
        for (const name of this.running.keys())
          this.powerOff(name, 0, 'The VM crashed: guest error');
        return new Promise(() => {}); // the connection just hangs, as a dead VM's would
      }
      out(`working on ${s.id}`);
      if (i < count - 1 || run.code === 0) out(`::clave::ok ${s.id} 1s`);
    }
    for (const line of run.lines ?? []) out(line);
    if (run.code !== 0) {
      out(`::clave::fail ${steps[count - 1]?.id ?? 'start'} exit=${run.code} line=42`);
      return { code: run.code, stdout: '', stderr: '' };
    }
    out('::clave::complete 9s');
    this.builds++;
    for (const [name, vm] of this.vms) if (vm.running) vm.disk = `build-${this.builds}:${name}`;
    return { code: 0, stdout: '', stderr: '' };
  }

  /** `why` is "what: why", as a runtime reports a failed VM. */
  private powerOff(name: string, code: number | null, why?: string): void {
    const vm = this.vms.get(name);
    if (vm) vm.running = false;
    const [what = '', reason = ''] = why?.split(': ') ?? [];
    const error =
      why === undefined
        ? null
        : new HostError({ code: 'vm.crashed', what, why: reason, fix: 'Start it again.' });
    this.running.get(name)?.resolve({ code, error });
    this.running.delete(name);
  }

  private must(name: string): FakeVm {
    const vm = this.vms.get(name);
    if (!vm) throw new Error(`the specified VM "${name}" does not exist`);
    return vm;
  }

  private async enter(method: Method, args: string[], signal?: AbortSignal): Promise<void> {
    this.calls.push([method, ...args].join(' '));
    this.onCall(method, args);
    const failure = this.failures.get(method);
    if (failure) throw failure;
    if (this.hang.has(method)) {
      await new Promise<void>((resolve) => this.releases.push(resolve));
      return;
    }
    await new Promise((r) => setTimeout(r, 1));
    signal?.throwIfAborted();
  }
}
