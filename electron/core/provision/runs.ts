// The host's provisions: started by any face, cancelled by any face (`provision.cancel`, the
// CLI's Ctrl-C) and by the host's own shutdown. Aborting a run is the flow's interrupt: its
// teardown stops and deletes the temporary VM and leaves the base as it was.
import type { ProvisionRequest } from './from-settings';
import type { ProvisionResult } from './options';

export type RunProvision = (
  request: ProvisionRequest,
  signal: AbortSignal,
) => Promise<ProvisionResult>;

export class ProvisionRuns {
  private readonly running = new Map<AbortController, Promise<ProvisionResult>>();

  constructor(private readonly run: RunProvision) {}

  async start(request: ProvisionRequest): Promise<ProvisionResult> {
    const ac = new AbortController();
    const run = this.run(request, ac.signal);
    this.running.set(ac, run);
    try {
      return await run;
    } finally {
      this.running.delete(ac);
    }
  }

  /** Interrupts every running provision (the lock allows one); false when none was running. */
  cancel(): boolean {
    for (const ac of this.running.keys()) ac.abort();
    return this.running.size > 0;
  }

  /** Cancels and waits until each run's teardown is done. */
  async shutdown(): Promise<void> {
    this.cancel();
    await Promise.allSettled(this.running.values());
  }
}
