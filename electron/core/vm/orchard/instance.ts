// A VM this process created on Orchard, as the seam's VmInstance: its worker and status followed
// through the watch stream and written to a log file, `exited` settling with why it ended — the
// VM failed, its worker was lost (the controller fails VMs of a worker that stopped answering:
// internal/controller/scheduler), or it was deleted outside Clave.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { VmExit, VmInstance } from '../runtime';
import type { OrchardClient } from './client';
import { OrchardError } from './errors';
import type { Vm } from './schema';
import { followVm } from './watch';

export interface InstanceOptions {
  logDir: string;
  /** Deletes the VM resource (the runtime's delete: also closes its local listeners). */
  remove(): Promise<void>;
}

export class OrchardInstance implements VmInstance {
  readonly pid = undefined;
  readonly logFile: string;
  readonly exited: Promise<VmExit>;
  private currentWorker: string | null = null;
  private status = '';
  private readonly statusListeners = new Set<(status: string) => void>();
  private readonly log: WriteStream;
  private readonly following = new AbortController();
  private settle!: (exit: VmExit) => void;
  private ended = false;
  /** Set when Clave itself deletes the VM: its disappearance is then no failure. */
  private deleting = false;

  constructor(
    private readonly client: OrchardClient,
    readonly name: string,
    private readonly options: InstanceOptions,
  ) {
    mkdirSync(options.logDir, { recursive: true, mode: 0o700 });
    this.logFile = path.join(options.logDir, `${name}.orchard.log`);
    this.log = createWriteStream(this.logFile, { flags: 'a', mode: 0o600 });
    this.log.on('error', () => {});
    this.exited = new Promise((resolve) => (this.settle = resolve));
    this.write(`following ${name} on ${client.controller}`);
    void followVm(
      client,
      name,
      {
        onVm: (vm) => this.observe(vm),
        onGone: () =>
          this.end(
            this.deleting
              ? null
              : new OrchardError({
                  code: 'orchard.vm-deleted',
                  what: `The Orchard VM ${name} was deleted`,
                  why: 'Its resource disappeared from the controller while the session used it (deleted outside Clave).',
                  fix: 'Start the session again; work up to the last sync is in the session copy.',
                }),
          ),
        onTrouble: (error) => this.write(`watch: ${error.message}`),
      },
      this.following.signal,
    );
  }

  get worker(): string | null {
    return this.currentWorker;
  }

  stop(): void {
    this.deleting = true;
    this.write('deleting (stopped by Clave)');
    this.options.remove().then(
      () => this.end(null),
      (error: Error) => {
        this.write(`delete failed: ${error.message}`);
        this.end(null);
      },
    );
  }

  /** The status as the controller last said it; a new listener hears it at once. */
  onStatus(listener: (status: string) => void): () => void {
    this.statusListeners.add(listener);
    if (this.status) listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  /** Orchard has no "shut down the guest" for a deleted resource: stop() is the way. */
  requestShutdown(): boolean {
    return false;
  }

  /** Clave is deleting the resource (the runtime's delete/stop): not a failure. */
  markDeleting(): void {
    this.deleting = true;
  }

  /** A line in the VM's log (port-forward trouble, for instance). */
  note(line: string): void {
    this.write(line);
  }

  private observe(vm: Vm): void {
    const worker = vm.worker || null;
    const status = `${vm.status ?? '?'}${worker ? ` on ${worker}` : ''}${vm.status_message ? `: ${vm.status_message}` : ''}`;
    if (status !== this.status) {
      this.write(`status ${status}`);
      for (const listener of this.statusListeners) listener(status);
    }
    this.status = status;
    // A running VM moved to another worker is a new guest: the one Clave used is gone.
    if (this.currentWorker !== null && worker !== null && worker !== this.currentWorker)
      return this.end(this.workerLost(`It was moved from ${this.currentWorker} to ${worker}.`));
    if (worker !== null) this.currentWorker = worker;
    if (vm.status === 'failed') {
      const said = vm.status_message ?? '';
      return this.end(
        /worker/i.test(said)
          ? this.workerLost(`The controller says: “${said}”.`)
          : new OrchardError({
              code: 'orchard.vm-failed',
              what: `The Orchard VM ${this.name} failed`,
              why: said ? `The controller says: “${said}”.` : 'The controller marked it failed.',
              fix: `Check the image and the worker (orchard logs vm ${this.name}); see ${this.logFile}.`,
            }),
      );
    }
    if (vm.status === 'stopped')
      this.end(
        this.deleting
          ? null
          : new OrchardError({
              code: 'orchard.vm-failed',
              what: `The Orchard VM ${this.name} stopped`,
              why: vm.status_message
                ? `The controller says: “${vm.status_message}”.`
                : 'The guest powered off or was stopped outside Clave.',
              fix: 'Start the session again; work up to the last sync is in the session copy.',
            }),
      );
  }

  private workerLost(why: string): OrchardError {
    return new OrchardError({
      code: 'orchard.worker-lost',
      what: `The worker running ${this.name} was lost${this.currentWorker ? ` (${this.currentWorker})` : ''}`,
      why,
      fix: 'Work up to the last sync is in the session copy: keep it and start a new session. Check the workers with orchard list workers.',
    });
  }

  private end(error: OrchardError | null): void {
    if (this.ended) return;
    this.ended = true;
    this.following.abort();
    this.write(error ? `ended: ${error.what}: ${error.why}` : 'ended (deleted by Clave)');
    this.log.end();
    this.settle({ code: null, error });
  }

  private write(line: string): void {
    if (!this.log.writable) return;
    this.log.write(`${new Date().toISOString()} ${line}\n`);
  }
}
