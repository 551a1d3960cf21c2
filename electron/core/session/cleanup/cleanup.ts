// `clave cleanup`: settle what a previous host left (reconcile), then go through the ledger and
// remove what Clave made and nothing uses, each thing checked again right before it goes. A dry
// run changes nothing and says, for each thing, why it is Clave's and what would happen.
import type { CleanupItem, CleanupReport } from '../../../../shared/api';
import type { Problem } from '../../../../shared/session';
import { rm } from 'node:fs/promises';
import type { LedgerEntry } from '../../store/ledger-repository';
import { UNFINISHED_STATES } from '../../store/sessions-repository';
import type { SessionDeps } from '../deps';
import { removeSnapshot, snapshotOf } from '../deps-snapshot/snapshots';
import { StepAbort, toProblem } from '../problem';
import { reconcile, type SessionOwner } from './reconcile';
import { gatherFacts, isClaveTarget, judge, vmBackend, type Facts } from './survey';

export async function cleanup(
  deps: SessionDeps,
  owner: SessionOwner,
  dryRun: boolean,
): Promise<CleanupReport> {
  const problems: Problem[] = [];
  const staleRecords = dryRun
    ? deps.sessions
        .list(UNFINISHED_STATES)
        .filter((r) => !owner.isLive(r.id))
        .map((r) => r.id)
    : (await reconcile(deps, owner)).tornDown;
  const facts = await gatherFacts(deps);
  const items: CleanupItem[] = [];
  for (const e of deps.ledger.list()) {
    if (e.sessionId && owner.isLive(e.sessionId)) continue;
    const item = await judge(e, deps, facts);
    items.push(item);
    if (dryRun) continue;
    try {
      await carryOut(e, item, deps, facts);
    } catch (err) {
      const p = toProblem(err);
      problems.push({ ...p, what: `${e.kind} ${e.name}: ${p.what}` });
    }
  }
  // Standbys are the pool's, reported by the host that holds them (session-host).
  return { items, staleRecords, standbys: [], dryRun, problems };
}

async function carryOut(
  e: LedgerEntry,
  item: CleanupItem,
  deps: SessionDeps,
  facts: Facts,
): Promise<void> {
  if (item.action === 'forget') return deps.ledger.removeEntry(e.id);
  if (item.action === 'keep') {
    // A proxy someone re-pointed is theirs now; a kept copy, or a proxy Herd could not be
    // asked about, stays on the ledger.
    if (e.kind === 'proxy' && facts.proxies?.get(e.name)) deps.ledger.removeEntry(e.id);
    return;
  }
  switch (e.kind) {
    case 'vm': {
      // Checked again, through its own runtime: it must still exist under that name.
      const vms = deps.backends.runtime(vmBackend(e));
      const vm = (await vms.list()).find((v) => v.name === e.name);
      if (vm?.running) await vms.stop(e.name);
      if (vm) await vms.delete(e.name);
      break;
    }
    case 'proxy': {
      // Checked again: it must still point at one of Clave's tunnel ports on 127.0.0.1.
      const now = (await deps.proxies.proxies()).find((p) => p.name === e.name);
      if (now && !isClaveTarget(now.target, deps.ports.range)) {
        throw new StepAbort({
          what: 'Not removed: the proxy changed while cleanup ran',
          why: `It points at ${now.target} now.`,
        });
      }
      if (now) await deps.proxies.unproxy(e.name);
      break;
    }
    case 'copy': {
      // No force: git refuses a copy or branch holding work found nowhere else.
      const repo = e.detail.repo;
      if (!repo || !e.sessionId || !e.detail.branch) return;
      await deps.git.removeCopy({ repo, id: e.sessionId });
      await deps.git.deleteBranch({ repo, branch: e.detail.branch });
      break;
    }
    case 'snapshot': {
      // A partial one is only its folder; a made one also has the marks of who used it.
      const { snapshots, key } = snapshotOf(e.name);
      if (e.state === 'intended') await rm(e.name, { recursive: true, force: true });
      else await removeSnapshot(snapshots, key);
      break;
    }
    case 'port':
      break;
  }
  deps.ledger.removeEntry(e.id);
}
