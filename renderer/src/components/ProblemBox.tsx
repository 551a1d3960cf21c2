// A Problem as the host words it: what happened, why, and what to do.
import type { Problem } from '../../../shared/session';

export function ProblemBox({
  problem,
  title,
  level = 'error',
}: {
  problem: Problem;
  title?: string;
  level?: 'error' | 'warn';
}) {
  return (
    <div className={`problem problem-${level}`} role={level === 'error' ? 'alert' : undefined}>
      {title && <div className="problem-title">{title}</div>}
      <p className="problem-what">{problem.what}</p>
      {problem.why && <p className="problem-why">{problem.why}</p>}
      {problem.fix && (
        <p className="problem-fix">
          <span className="problem-fix-label">What to do: </span>
          {problem.fix}
        </p>
      )}
    </div>
  );
}
