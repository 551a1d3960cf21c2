// A session start's pipelines as the window shows them, folded from the host's progress events.
import type { PipelineEvent } from '../../../shared/session';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StepView {
  name: string;
  label: string;
  status: StepStatus;
  ms: number | null;
  /** The step's latest hint ("waiting for SSH on 192.168.64.3"). */
  hint: string | null;
  startedAt: number | null;
}

export interface PipelineView {
  name: string;
  steps: StepView[];
  ms: number | null;
}

/** Folds one progress event into the pipelines seen so far. */
export function applyProgress(
  pipelines: PipelineView[],
  event: PipelineEvent,
  now: number,
): PipelineView[] {
  if (event.type === 'pipeline-started') {
    const fresh: PipelineView = {
      name: event.pipeline,
      ms: null,
      steps: event.steps.map((s) => ({
        name: s.name,
        label: s.label,
        status: 'pending',
        ms: null,
        hint: null,
        startedAt: null,
      })),
    };
    return [...pipelines.filter((p) => p.name !== event.pipeline), fresh];
  }
  return pipelines.map((p) => {
    if (p.name !== event.pipeline) return p;
    if (event.type === 'pipeline-finished') return { ...p, ms: event.ms };
    const patch = (step: string, f: (s: StepView) => StepView): PipelineView => {
      const known = p.steps.some((s) => s.name === step);
      const steps = known
        ? p.steps.map((s) => (s.name === step ? f(s) : s))
        : [
            ...p.steps,
            f({
              name: step,
              label: step,
              status: 'pending',
              ms: null,
              hint: null,
              startedAt: null,
            }),
          ];
      return { ...p, steps };
    };
    switch (event.type) {
      case 'step-started':
        return patch(event.step, (s) => ({
          ...s,
          label: event.label,
          status: 'running',
          startedAt: now,
        }));
      case 'step-hint':
        return patch(event.step, (s) => ({ ...s, hint: event.message }));
      case 'step-warning':
        return p;
      case 'step-finished':
        return patch(event.step, (s) => ({ ...s, status: 'done', ms: event.ms }));
      case 'step-failed':
        return patch(event.step, (s) => ({ ...s, status: 'failed', ms: event.ms }));
    }
  });
}
