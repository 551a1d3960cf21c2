// After a host ended without tearing down (a crash), the next one settles every session it finds
// on record: a running one whose VM lives is re-attached; the rest are torn down. A start cut
// short loses its copy only when the copy holds no work; otherwise it becomes a kept session.
import type { StopResult } from '../../../../shared/api';
import type { OnExit } from '../../../../shared/session';
import { UNFINISHED_STATES, type SessionRecord } from '../../store/sessions-repository';
import type { SessionDeps } from '../deps';
import { toProblem } from '../problem';
import { vmBackend } from './survey';

/** What reconciliation and cleanup need from the host that runs the sessions. */
export interface SessionOwner {
  /** This host runs (or is starting, or stopping) the session. */
  isLive(id: string): boolean;
  reattach(r: SessionRecord): Promise<void>;
  stop(id: string, onExit: OnExit, force?: boolean): Promise<StopResult>;
}

export interface Reconciled {
  reattached: string[];
  tornDown: string[];
  /** VMs in the ledger that no session holds any more (`clave cleanup` removes them). */
  orphanVms: string[];
}

/** Every backend's VMs, as `backend:name` (a backend that cannot be asked now lists none). */
async function allVms(deps: SessionDeps): Promise<{ key: string; running: boolean }[]> {
  const lists = await Promise.all(
    deps.backends.available().map(async (kind) => {
      const vms = await deps.backends
        .runtime(kind)
        .list()
        .catch(() => []);
      return vms.map((v) => ({ key: `${kind}:${v.name}`, running: v.running }));
    }),
  );
  return lists.flat();
}

export async function reconcile(deps: SessionDeps, owner: SessionOwner): Promise<Reconciled> {
  const vms = await allVms(deps);
  const running = new Set(vms.filter((v) => v.running).map((v) => v.key));
  const reattached: string[] = [];
  const tornDown: string[] = [];
  for (const r of deps.sessions.list(UNFINISHED_STATES)) {
    if (owner.isLive(r.id)) continue;
    // A standby of the pool is never re-attached: nobody asked for it, and its copy is pristine.
    if (r.standby) {
      await owner.stop(r.id, 'discard').catch(() => {});
      tornDown.push(r.id);
      continue;
    }
    // Re-attached through a new connection (Orchard: a new port-forward) to a VM still running.
    if (r.state === 'running' && r.vmName && running.has(`${r.backend}:${r.vmName}`) && r.vmIp) {
      try {
        await owner.reattach(r);
        reattached.push(r.id);
        continue;
      } catch (e) {
        deps.sessions.update(r.id, { error: toProblem(e) });
      }
    }
    // Dead or half-made: tear down. Discard (never forced) refuses a copy holding work, which is
    // then kept; a session that ran is kept as it is (the person may want its copy), and so is
    // one whose agent had a conversation (a resume cut short: it can be resumed again). A stop
    // cut short finishes as the person decided when that was a discard (a merge is not redone
    // unasked: kept).
    const halfMade = (r.state === 'starting' || r.state === 'failed') && !r.claudeSessionId;
    const discarding = r.state === 'stopping' && r.onExit === 'discard';
    const decision: OnExit = halfMade || discarding ? 'discard' : 'keep';
    await owner.stop(r.id, decision).catch(() => {});
    tornDown.push(r.id);
  }
  const existing = new Set(vms.map((v) => v.key));
  const orphanVms = deps.ledger
    .list({ kind: 'vm' })
    .filter(
      (e) =>
        existing.has(`${vmBackend(e)}:${e.name}`) && !(e.sessionId && owner.isLive(e.sessionId)),
    )
    .map((e) => e.name);
  return { reattached, tornDown, orphanVms };
}
