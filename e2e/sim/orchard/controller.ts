// The simulated controller's brain: the store, the workers, the scheduler and the health check
// of internal/controller/scheduler/scheduler.go — a pending VM goes to an online worker whose
// labels contain the VM's and whose free resources fit it (the busiest first: the default
// "optimize utilization" profile); a VM on a worker offline longer than the offline timeout (real
// default 3 min, `--worker-offline-timeout`) becomes failed, "VM is assigned to a worker that
// lost connection with the controller".
import type { VM } from './resource';
import { VmStore } from './store';
import { SimWorker } from './worker';

export interface ControllerOptions {
  /** Number of workers (default 2), named like Macs' hostnames: mac-mini-1, mac-mini-2, … */
  workers?: number;
  /** How long a silent worker stays "online" (default 3000 ms; the real default is 3 min). */
  workerOfflineTimeoutMs?: number;
  /** The environment `tart` runs with (TART_HOME, TART_SIM_*). */
  env: NodeJS.ProcessEnv;
  /** How long a worker takes to pull an image the first time it runs it (default 0). */
  pullMs?: number;
}

const LOOP_MS = 250;

export class Controller {
  readonly store = new VmStore();
  readonly workers: SimWorker[];
  private readonly offlineMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly removals = new Set<Promise<void>>();

  constructor(opts: ControllerOptions) {
    const n = opts.workers ?? 2;
    this.workers = Array.from(
      { length: n },
      (_, i) => new SimWorker(`mac-mini-${i + 1}`, this.store, opts.env, {}, opts.pullMs ?? 0),
    );
    this.offlineMs = opts.workerOfflineTimeoutMs ?? 3000;
    this.timer = setInterval(() => this.tick(), LOOP_MS);
  }

  worker(name: string): SimWorker | undefined {
    return this.workers.find((w) => w.name === name);
  }

  offline(w: SimWorker): boolean {
    return Date.now() - w.lastSeen.getTime() > this.offlineMs;
  }

  /** Stores a new VM; scheduling follows asynchronously, as the real RequestScheduling(). */
  create(vm: VM): VM {
    const stored = this.store.set(vm);
    setImmediate(() => this.schedule());
    return stored;
  }

  /**
   * Removes the resource at once; its worker stops and deletes the tart VM afterwards, as the real
   * worker does when it next syncs (so a client cannot assume the VM is gone when DELETE returns).
   */
  delete(name: string): VM | undefined {
    const vm = this.store.delete(name);
    const w = vm?.worker ? this.worker(vm.worker) : undefined;
    if (vm && w) {
      const removal = w.remove(vm.uid).finally(() => this.removals.delete(removal));
      this.removals.add(removal);
    }
    return vm;
  }

  private tick(): void {
    for (const w of this.workers) w.heartbeat();
    this.healthCheck();
    this.schedule();
  }

  private healthCheck(): void {
    for (const vm of this.store.list()) {
      if (!vm.worker || vm.status === 'failed') continue;
      const w = this.worker(vm.worker);
      if (!w) {
        this.store.set({
          ...vm,
          status: 'failed',
          status_message: "VM is assigned to a worker that doesn't exist anymore",
        });
      } else if (this.offline(w)) {
        this.store.set({
          ...vm,
          status: 'failed',
          status_message: 'VM is assigned to a worker that lost connection with the controller',
        });
      }
    }
  }

  private used(w: SimWorker): Record<string, number> {
    const used: Record<string, number> = {};
    for (const vm of this.store.list()) {
      if (vm.worker !== w.name || vm.status === 'failed') continue;
      for (const [k, v] of Object.entries(vm.resources)) used[k] = (used[k] ?? 0) + v;
    }
    return used;
  }

  private fits(w: SimWorker, vm: VM): boolean {
    const used = this.used(w);
    const resOk = Object.entries(vm.resources).every(
      ([k, v]) => (w.resources[k] ?? 0) - (used[k] ?? 0) >= v,
    );
    const labelsOk = Object.entries(vm.labels).every(([k, v]) => w.labels[k] === v);
    return resOk && labelsOk && vm.arch === 'arm64' && vm.runtime === 'tart';
  }

  schedule(): void {
    for (const vm of this.store.list()) {
      if (vm.worker || vm.status !== 'pending') continue;
      const candidates = this.workers
        .filter((w) => !this.offline(w) && w.online && this.fits(w, vm))
        .sort((a, b) => b.runningCount() - a.runningCount());
      const w = candidates[0];
      if (!w) continue;
      const scheduled = this.store.set({
        ...vm,
        worker: w.name,
        scheduled_at: new Date().toISOString(),
        conditions: [{ type: 'scheduled', state: 'true' }],
        assignedCPU: vm.cpu || 4,
        assignedMemory: vm.memory || 8192,
      });
      w.start(scheduled);
    }
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.removals]);
    await Promise.all(this.workers.map((w) => w.shutdown()));
  }
}
