// The pipeline runner: a named list of steps run in order over one context, each reported as
// started / finished / failed with its duration. A `parallel(...)` group runs independent steps
// at once with the same events. The first failure stops the pipeline (in a group: interrupts the
// others, then waits for them, so teardown finds everything they made) and is rethrown as a
// PipelineFailure carrying the step and the Problem, for teardown and the faces.
import type { PipelineEvent, Problem } from '../../../shared/session';
import { toProblem } from './problem';

export interface StepProgress {
  /** A line of detail for the running step ("waiting for SSH…"). */
  hint(message: string): void;
  /** Something wrong that does not stop the session (host MySQL unreachable, composer failed). */
  warn(problem: Problem): void;
  /** Aborted when the pipeline is stopped or, in a group, when another step of it failed. */
  readonly signal: AbortSignal;
}

export interface Step<C> {
  readonly name: string;
  readonly label: string;
  run(context: C, progress: StepProgress): Promise<void>;
}

/** Lanes that need nothing from each other, run at once; each lane's steps in order. */
export interface StepGroup<C> {
  readonly parallel: readonly (readonly Step<C>[])[];
}

export type PipelineItem<C> = Step<C> | StepGroup<C>;

/** Runs the lanes (a step, or steps in order) at once: none may need() what another makes. */
export function parallel<C>(...lanes: (Step<C> | readonly Step<C>[])[]): StepGroup<C> {
  return { parallel: lanes.map((l) => ('run' in l ? [l] : l)) };
}

/** Every step of a pipeline, in the order they are listed. */
export function stepsOf<C>(items: readonly PipelineItem<C>[]): Step<C>[] {
  return items.flatMap((i) => ('parallel' in i ? i.parallel.flat() : [i]));
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

interface Run<C> {
  name: string;
  context: C;
  emit: PipelineListener;
  /** The pipeline's own signal: the session stopped while starting. */
  stopped: AbortSignal;
}

export async function runPipeline<C>(
  name: string,
  items: readonly PipelineItem<C>[],
  context: C,
  emit: PipelineListener,
  signal?: AbortSignal,
): Promise<void> {
  const started = performance.now();
  emit({
    type: 'pipeline-started',
    pipeline: name,
    steps: stepsOf(items).map((s) => ({ name: s.name, label: s.label })),
  });
  const run: Run<C> = { name, context, emit, stopped: signal ?? new AbortController().signal };
  for (const item of items) {
    const failure =
      'parallel' in item ? await runGroup(run, item.parallel) : await runStep(run, item, null);
    if (failure) throw failure;
  }
  emit({ type: 'pipeline-finished', pipeline: name, ms: Math.round(performance.now() - started) });
}

/**
 * The lanes at once; the first failure interrupts the others (a lane starts no further step),
 * and the group ends only when every lane has, so teardown sees all that was made.
 */
async function runGroup<C>(
  run: Run<C>,
  lanes: StepGroup<C>['parallel'],
): Promise<PipelineFailure | null> {
  const group = new AbortController();
  let first: PipelineFailure | null = null;
  await Promise.all(
    lanes.map(async (lane) => {
      for (const step of lane) {
        if (group.signal.aborted) return;
        const failure = await runStep(run, step, group.signal);
        if (!failure) continue;
        if (!first) {
          first = failure;
          group.abort(step.label);
        }
        return;
      }
    }),
  );
  return first;
}

async function runStep<C>(
  run: Run<C>,
  step: Step<C>,
  group: AbortSignal | null,
): Promise<PipelineFailure | null> {
  const { name, emit } = run;
  const t0 = performance.now();
  const signal = group ? AbortSignal.any([run.stopped, group]) : run.stopped;
  emit({ type: 'step-started', pipeline: name, step: step.name, label: step.label });
  const progress: StepProgress = {
    hint: (message) => emit({ type: 'step-hint', pipeline: name, step: step.name, message }),
    warn: (problem) => emit({ type: 'step-warning', pipeline: name, step: step.name, problem }),
    signal,
  };
  try {
    signal.throwIfAborted();
    await step.run(run.context, progress);
    // Stopped meanwhile: the step's work is undone by teardown, so it did not finish.
    run.stopped.throwIfAborted();
  } catch (error) {
    const problem = run.stopped.aborted
      ? { what: `${step.label} was interrupted`, why: 'The session was stopped while starting.' }
      : group?.aborted
        ? { what: `${step.label} was interrupted`, why: `${String(group.reason)} failed.` }
        : toProblem(error);
    const ms = Math.round(performance.now() - t0);
    emit({ type: 'step-failed', pipeline: name, step: step.name, ms, problem });
    return new PipelineFailure(name, step.name, problem, error);
  }
  emit({
    type: 'step-finished',
    pipeline: name,
    step: step.name,
    ms: Math.round(performance.now() - t0),
  });
  return null;
}
