// Turning any failure into something a person can act on. Host adapters throw errors with
// what/why/fix; steps abort with StepAbort; anything else is reported by its message, never a stack.
import type { Problem } from '../../shared/session';

/** A step's deliberate stop: the session cannot go on, and here is what to do about it. */
export class StepAbort extends Error {
  constructor(readonly problem: Problem) {
    super(problem.what);
    this.name = 'StepAbort';
  }
}

export function toProblem(error: unknown): Problem {
  if (error instanceof StepAbort) return error.problem;
  if (error && typeof error === 'object') {
    const e = error as { what?: unknown; why?: unknown; fix?: unknown; message?: unknown };
    if (typeof e.what === 'string') {
      return {
        what: e.what,
        ...(typeof e.why === 'string' ? { why: e.why } : {}),
        ...(typeof e.fix === 'string' ? { fix: e.fix } : {}),
      };
    }
    if (typeof e.message === 'string') return { what: e.message };
  }
  return { what: String(error) };
}

export function formatProblem(p: Problem): string {
  return [p.what, p.why && `Why: ${p.why}`, p.fix && `Fix: ${p.fix}`].filter(Boolean).join('\n');
}
