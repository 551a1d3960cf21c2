// The pipeline runner: a named list of steps run in order over one context, each reported as
// started / finished / failed with its duration. The first failure stops the pipeline and is
// rethrown as a PipelineFailure carrying the step and the Problem, for teardown and the faces.
import type { PipelineEvent, Problem } from '../../../shared/session';
import { toProblem } from './problem';

export interface StepProgress {
  /** A line of detail for the running step ("waiting for SSH…"). */
  hint(message: string): void;
  /** Something wrong that does not stop the session (host MySQL unreachable, composer failed). */
  warn(problem: Problem): void;
}

export interface Step<C> {
  readonly name: string;
  readonly label: string;
  run(context: C, progress: StepProgress): Promise<void>;
}

export class PipelineFailure extends Error {
  constructor(
    readonly pipeline: string,
    readonly step: string,
    readonly problem: Problem,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${problem.what}`);
    this.name = 'PipelineFailure';
  }
}

export type PipelineListener = (event: PipelineEvent) => void;

export async function runPipeline<C>(
  name: string,
  steps: readonly Step<C>[],
  context: C,
  emit: PipelineListener,
  signal?: AbortSignal,
): Promise<void> {
  const started = performance.now();
  emit({
    type: 'pipeline-started',
    pipeline: name,
    steps: steps.map((s) => ({ name: s.name, label: s.label })),
  });
  for (const step of steps) {
    const t0 = performance.now();
    emit({ type: 'step-started', pipeline: name, step: step.name, label: step.label });
    const progress: StepProgress = {
      hint: (message) => emit({ type: 'step-hint', pipeline: name, step: step.name, message }),
      warn: (problem) => emit({ type: 'step-warning', pipeline: name, step: step.name, problem }),
    };
    try {
      signal?.throwIfAborted();
      await step.run(context, progress);
      signal?.throwIfAborted();
    } catch (error) {
      const problem = signal?.aborted
        ? { what: `${step.label} was interrupted`, why: 'The session was stopped while starting.' }
        : toProblem(error);
      const ms = Math.round(performance.now() - t0);
      emit({ type: 'step-failed', pipeline: name, step: step.name, ms, problem });
      throw new PipelineFailure(name, step.name, problem, error);
    }
    emit({
      type: 'step-finished',
      pipeline: name,
      step: step.name,
      ms: Math.round(performance.now() - t0),
    });
  }
  emit({ type: 'pipeline-finished', pipeline: name, ms: Math.round(performance.now() - started) });
}
