// A VM lost while its session ran (an Orchard worker gone, the VM failed or deleted by hand).
// Where the copy is the VM's folder (Tart) nothing is lost and the person ends the session (the
// terminals say so). Where code travels by git, the session is kept at once with what the last
// sync brought back, and says what of the work is safe and what is not.
import type { Problem } from '../../../shared/session';
import type { SessionContext } from './context';
import type { Live } from './live-session';

/** Marks the session lost (once) and has it kept; `keep` stops it with keep. */
export function vmLost(live: Live, why: string | undefined, keep: () => void): void {
  const { ctx } = live;
  if (live.lost || live.stopping || ctx.deps.vms.sharesFolders) return;
  live.lost = vmLostProblem(ctx, why);
  keep();
}

export function vmLostProblem(ctx: SessionContext, why?: string): Problem {
  const { vmName, worker, syncedAt } = ctx.state;
  const where = worker ? ` on worker ${worker}` : '';
  const how = (why ?? 'It stopped answering (its worker gone, or the VM failed or was deleted)')
    .trim()
    .replace(/\.$/, '');
  return {
    what: `The session's VM ${vmName ?? ''}${where} was lost`.replace('  ', ' '),
    why: syncedAt
      ? `${how}. Its work up to the last sync (${syncedAt}) is in the session copy; what the agent did after that is lost.`
      : `${how}, before its work was ever brought back: the session copy holds what it started from.`,
    fix: `Resume it (clave resume ${ctx.id}) to go on from the copy in a new VM, or merge or discard it.`,
  };
}
