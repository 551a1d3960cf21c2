// A simulated Orchard worker: a "Mac" whose VMs are simulated Tart VMs. It does what
// internal/worker/vmmanager/tart/tart.go does for a VM assigned to it — `tart clone <image>
// orchard-<name>-<uid>-<restarts>`, `tart set --memory/--cpu/--random-mac`, status running with
// "VM started", then `tart run` (`--no-graphics` only when headless; never `--dir`) — and reports
// a failed clone or run as the real worker words it. Losing the worker kills its VMs' processes
// and stops its heartbeat; the controller then fails the VMs (controller.ts).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import type { VM } from './resource';
import type { VmStore } from './store';
import { tart, tartFailure, tartRun } from './tart-cli';

interface Running {
  name: string;
  uid: string;
  localName: string;
  child?: ChildProcess;
  /** Set when the VM is being removed (delete, loss, fault): nothing more is reported. */
  stopping: boolean;
  /** Set when powered off through the spec: its exit is no failure and nothing restarts it. */
  poweredOff: boolean;
  /** Resolves when clone/configure finished (or failed). */
  started: Promise<void>;
}

export class SimWorker {
  readonly machineId = randomUUID();
  readonly createdAt = new Date().toISOString();
  lastSeen = new Date();
  online = true;
  readonly resources: Record<string, number> = {
    'org.cirruslabs.tart-vms': 2,
    'org.cirruslabs.logical-cores': cpus().length,
    'org.cirruslabs.memory-mib': Math.floor(totalmem() / 1048576),
  };
  private readonly vms = new Map<string, Running>();
  /** Every tart VM this worker cloned and has not deleted yet (for cleanup after a loss). */
  readonly disks = new Set<string>();

  constructor(
    readonly name: string,
    private readonly store: VmStore,
    private readonly env: NodeJS.ProcessEnv,
    readonly labels: Record<string, string> = {},
    /** A real worker pulls an image it has not run before: a first VM of it waits this long. */
    private readonly pullMs = 0,
  ) {}

  /** Images this worker has pulled (a second VM of one clones at once). */
  private readonly pulled = new Set<string>();

  json(): Record<string, unknown> {
    return {
      last_seen: this.lastSeen.toISOString(),
      machine_id: this.machineId,
      resources: this.resources,
      ...(Object.keys(this.labels).length ? { labels: this.labels } : {}),
      arch: 'arm64',
      runtime: 'tart',
      name: this.name,
      createdAt: this.createdAt,
    };
  }

  heartbeat(): void {
    if (this.online) this.lastSeen = new Date();
  }

  runningCount(): number {
    return this.vms.size;
  }

  /** The tart name of a VM this worker runs, if it runs it. */
  localName(uid: string): string | undefined {
    return this.vms.get(uid)?.localName;
  }

  start(vm: VM): void {
    const r: Running = {
      name: vm.name,
      uid: vm.uid,
      localName: vm.localName,
      stopping: false,
      poweredOff: false,
      started: Promise.resolve(),
    };
    this.vms.set(vm.uid, r);
    r.started = this.boot(vm, r);
  }

  private report(r: Running, change: Partial<VM>): void {
    if (!this.online || r.stopping) return; // a lost worker cannot tell the controller anything
    this.store.update(r.name, r.uid, (vm) => ({ ...vm, ...change }));
  }

  private fail(r: Running, message: string): void {
    this.report(r, { status: 'failed', status_message: message });
    this.vms.delete(r.uid);
  }

  private async boot(vm: VM, r: Running): Promise<void> {
    if (this.pullMs > 0 && !this.pulled.has(vm.image)) {
      this.report(r, { status_message: 'pulling VM image...' });
      await new Promise((resolve) => setTimeout(resolve, this.pullMs));
      if (r.stopping) return;
      this.pulled.add(vm.image);
    }
    this.report(r, { status_message: 'cloning VM...' });
    const clone = await tart(['clone', vm.image, r.localName], this.env);
    if (clone.code === 0) this.disks.add(r.localName);
    if (r.stopping) return;
    if (clone.code !== 0) return this.fail(r, `failed to clone the VM: ${tartFailure(clone)}`);
    this.report(r, { status_message: 'configuring VM...' });
    const memory = vm.assignedMemory || vm.memory;
    const cpu = vm.assignedCPU || vm.cpu;
    const sets = [
      ...(memory ? [['--memory', String(memory)]] : []),
      ...(cpu ? [['--cpu', String(cpu)]] : []),
      ...(vm.diskSize ? [['--disk-size', String(vm.diskSize)]] : []),
      ['--random-mac'],
    ];
    for (const s of sets) {
      const set = await tart(['set', r.localName, ...s], this.env);
      if (r.stopping) return;
      if (set.code !== 0) return this.fail(r, `failed to clone the VM: ${tartFailure(set)}`);
    }
    if (!this.online || r.poweredOff) return;
    // The real worker reports "running" once `tart run` is launched, not when the guest is up:
    // a client still has to wait for sshd (port-forward waits for the IP, as `tart ip --wait 60`).
    this.report(r, {
      status: 'running',
      status_message: 'VM started',
      started_at: new Date().toISOString(),
      conditions: [
        { type: 'scheduled', state: 'true' },
        { type: 'running', state: 'true' },
      ],
    });
    const run = tartRun([...(vm.headless ? ['--no-graphics'] : []), r.localName], this.env);
    r.child = run.child;
    run.child.on('exit', (code) => {
      if (r.stopping || r.poweredOff || !this.online) return;
      const out = { ...run.output(), code };
      this.fail(
        r,
        code === 0 ? 'VM failed: VM exited unexpectedly' : `VM failed: ${tartFailure(out)}`,
      );
    });
  }

  /** `tart ip --wait 60` of a VM this worker runs (what the worker dials for port-forward). */
  async ip(uid: string): Promise<string | undefined> {
    const r = this.vms.get(uid);
    if (!r || !this.online) return undefined;
    const res = await tart(['ip', r.localName, '--wait', '60'], this.env);
    return res.code === 0 ? res.stdout.trim() : undefined;
  }

  /** Stops a VM's `tart run` and deletes its disk (DELETE of the resource, or shutdown). */
  async remove(uid: string): Promise<void> {
    const r = this.vms.get(uid);
    if (r) {
      r.stopping = true;
      this.vms.delete(uid);
      await r.started;
      await stopChild(r.child);
    }
    for (const d of [...this.disks]) {
      if (r ? d === r.localName : d.includes(uid)) {
        await tart(['stop', d], this.env);
        await tart(['delete', d], this.env);
        this.disks.delete(d);
      }
    }
  }

  /**
   * A new spec generation (PUT): the worker acts on it and reports observedGeneration. Only
   * powerState `stopped`/`suspended` has an effect here: "Stopping VM", `tart stop --timeout 5`,
   * the running condition goes (tart.go Stop()); the VM is not restarted (a terminal power state).
   */
  async sync(vm: VM): Promise<void> {
    const r = this.vms.get(vm.uid);
    if (!r || !this.online) return;
    if (vm.powerState !== 'running' && !r.poweredOff) {
      r.poweredOff = true;
      this.report(r, {
        status_message: 'Stopping VM',
        conditions: [
          { type: 'scheduled', state: 'true' },
          { type: 'running', state: 'true' },
          { type: 'stopping', state: 'true' },
        ],
      });
      await r.started;
      await tart(['stop', '--timeout', '5', r.localName], this.env);
      await stopChild(r.child);
      this.report(r, { conditions: [{ type: 'scheduled', state: 'true' }] });
    }
    this.report(r, { observedGeneration: vm.generation });
  }

  /** A VM failed on the worker (fault): its `tart run` is killed, the worker reports it failed. */
  failVm(uid: string, message: string): boolean {
    const r = this.vms.get(uid);
    if (!r) return false;
    this.fail(r, message);
    r.stopping = true;
    r.child?.kill('SIGKILL');
    return true;
  }

  /** The Mac drops off the network: its VMs die with it and it stops reporting. */
  lose(): void {
    this.online = false;
    for (const r of this.vms.values()) {
      r.stopping = true;
      r.child?.kill('SIGKILL');
    }
  }

  /** The worker comes back (empty: like the real one it cleans up VMs it lost track of). */
  async restore(): Promise<void> {
    for (const uid of [...this.vms.keys()]) await this.remove(uid);
    for (const d of [...this.disks]) {
      await tart(['delete', d], this.env);
      this.disks.delete(d);
    }
    this.online = true;
    this.heartbeat();
  }

  async shutdown(): Promise<void> {
    for (const uid of [...this.vms.keys()]) await this.remove(uid);
    for (const d of [...this.disks]) {
      await tart(['stop', d], this.env);
      await tart(['delete', d], this.env);
      this.disks.delete(d);
    }
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
