// Problem handling moved to the core (electron/core/problem.ts) so api/, vm/ and the shell need
// nothing from session/; this re-export keeps session's own imports short.
export { StepAbort, formatProblem, toProblem } from '../problem';
