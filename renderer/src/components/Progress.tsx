// The start of a session, step by step, as the host reports it: each step's state and time, the
// running step's latest hint, and the failing step marked.
import type { PipelineView, StepView } from '../store/sessions';
import { own } from '../../../shared/own';
import { formatDuration } from '../format';

const PIPELINE_TITLES: Record<string, string> = {
  preflight: 'Preflight',
  session: 'Session',
};

const ICONS: Record<StepView['status'], string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  failed: '✗',
};

export function Progress({ pipelines, now }: { pipelines: PipelineView[]; now: number }) {
  if (!pipelines.length) return null;
  return (
    <section className="progress" aria-label="Progress">
      {pipelines.map((p) => (
        <div key={p.name} className="pipeline">
          <h3>
            {own(PIPELINE_TITLES, p.name) ?? p.name}
            {p.ms !== null && <span className="timing">{formatDuration(p.ms)}</span>}
          </h3>
          <ol>
            {p.steps.map((s) => (
              <li key={s.name} className={`step step-${s.status}`} data-step={s.name}>
                <span className="step-icon" aria-hidden="true">
                  {ICONS[s.status]}
                </span>
                <span className="step-label">{s.label}</span>
                {s.hint && <span className="step-hint">{s.hint}</span>}
                <span className="timing">
                  {s.ms !== null
                    ? formatDuration(s.ms)
                    : s.status === 'running' && s.startedAt !== null
                      ? formatDuration(Math.max(0, now - s.startedAt))
                      : ''}
                </span>
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
