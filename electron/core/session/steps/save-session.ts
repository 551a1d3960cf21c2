// Preflight 5: the record exists from here on, so a crash can always be reconciled.
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';

export const saveSession: Step<SessionContext> = {
  name: 'save-session',
  label: 'Save the session',
  async run(ctx) {
    ctx.save();
  },
};
