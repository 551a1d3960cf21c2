// A provision step: a step of the pipeline runner (session/pipeline.ts) that is also one phase of
// the provision's progress, with what to say when it starts and what failed when it fails.
import type { Step } from '../../session/pipeline';
import type { ProvisionContext } from '../context';
import type { ProvisionPhase } from '../options';

export interface ProvisionStep extends Step<ProvisionContext> {
  readonly name: ProvisionPhase;
  /** The phase event's message for this run ("Cloning ghcr.io/…"). */
  describe(ctx: ProvisionContext): string;
  /** What failed, for an unexpected error in this step. */
  failed(ctx: ProvisionContext): string;
}

/** Share of the whole run each phase starts at (the script dominates a real provision). */
export const PHASE_START: Record<ProvisionPhase, number> = {
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
