// What flows through the provision steps for one run: the options, what the steps made (the
// temporary VM, its process, the guest shell, the script folder) and the run's plumbing — the log,
// progress events, and `track`, which gives up on an adapter call at once when the run is aborted
// (and remembers it, so cleanup can wait for it before deleting what it may still create).
import { randomBytes } from 'node:crypto';
import type { GuestEndpoint, GuestShell, VmInstance } from '../vm/runtime';
import { settlesWithin } from '../host/retry';
import { VmStoppedError } from './errors';
import type { ProvisionEvent, ProvisionHooks, ProvisionOptionsParsed } from './options';
import type { ProvisionDeps } from './ports';
import { RunLog } from './run-log';
import { specHash, type ProvisionSpec } from './spec';

export class ProvisionContext {
  readonly started = Date.now();
  readonly runId = randomBytes(4).toString('hex');
  readonly log = new RunLog();
  readonly mode: 'install' | 'update';
  readonly hash: string;
  /** The run's signal: the caller's, or the temporary VM dying on its own. */
  readonly signal: AbortSignal;
  private readonly internal = new AbortController();

  /** Whether the base existed when the run began (prepare). */
  baseExisted = false;
  /** The temporary VM: from the clone on, failure means deleting it. */
  tempVm: string | null = null;
  vm: VmInstance | null = null;
  /** Where the VM's sshd is reached (boot). */
  address: GuestEndpoint | null = null;
  shell: GuestShell | null = null;
  scriptDir: string | null = null;
  /** Set once this process stops the VM itself: its exit is then no failure. */
  stopping = false;
  lastStep: { id: string; title: string } | null = null;
  recentOutput: string[] = [];
  inflight: Promise<void> = Promise.resolve();

  constructor(
    readonly o: ProvisionOptionsParsed,
    readonly spec: ProvisionSpec,
    readonly deps: ProvisionDeps,
    private readonly hooks: ProvisionHooks,
  ) {
    this.mode = o.update ? 'update' : 'install';
    this.hash = specHash(spec);
    this.signal = hooks.signal
      ? AbortSignal.any([hooks.signal, this.internal.signal])
      : this.internal.signal;
  }

  /** The caller interrupted the run. */
  get interrupted(): boolean {
    return this.hooks.signal?.aborted ?? false;
  }

  /** Why the VM stopped, when its own exit aborted the run. */
  get vmStopped(): VmStoppedError | null {
    const reason = this.internal.signal.reason as unknown;
    return this.internal.signal.aborted && reason instanceof VmStoppedError ? reason : null;
  }

  /** From now on the VM ending on its own aborts the run. */
  watch(vm: VmInstance): void {
    this.vm = vm;
    void vm.exited.then((exit) => {
      if (!this.stopping) this.internal.abort(new VmStoppedError(exit));
    });
  }

  /** Wait briefly for the VM's exit; true when it stopped (and the run is aborted because of it). */
  async vmExitedMeanwhile(): Promise<boolean> {
    if (this.vm === null || this.stopping) return false;
    await settlesWithin(this.vm.exited, 3000);
    await new Promise((resolve) => setImmediate(resolve));
    return this.vmStopped !== null;
  }

  checkAbort(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  /** Await an adapter call, but give up on it at once when the run is aborted. */
  track<T>(promise: Promise<T>): Promise<T> {
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

  emit(event: ProvisionEvent): void {
    try {
      this.hooks.onProgress?.(event);
    } catch {
      // A broken progress listener must not break the provision.
    }
  }

  /** A line of tart's or the guest's output: kept for error context, logged, and reported. */
  output(source: 'tart' | 'guest', line: string): void {
    this.recentOutput.push(line);
    if (this.recentOutput.length > 200) this.recentOutput.shift();
    this.log.write(source === 'guest' ? `| ${line}` : `tart| ${line}`);
    this.emit({ type: 'output', source, line });
  }

  note(message: string): void {
    this.log.note(message);
  }
}
