// What cleanup would do with each ledger entry, and why: the ledger proves Clave made it, and the
// thing is checked as it is now (a VM still exists under that name; a proxy still points at one
// of Clave's tunnel ports on 127.0.0.1; a copy is judged by the no-loss rules). Things of a
// session this host runs are not cleanup's business, and nothing outside the ledger ever is.
import { existsSync } from 'node:fs';
import type { BackendKind } from '../../../../shared/settings';
import type { CleanupItem } from '../../../../shared/api';
import type { PortRange } from '../../host/ports';
import { isAlive } from '../../host/process-alive';
import type { LedgerEntry } from '../../store/ledger-repository';
import { UNFINISHED_STATES } from '../../store/sessions-repository';
import { inUseBy, snapshotOf } from '../deps-snapshot/snapshots';
import type { SessionDeps, ServedProxy } from '../deps';
import { hasUnmergedWork } from '../unmerged-work';

export interface Facts {
  /** The VMs of each backend that answered; a backend missing here could not be asked. */
  vms: Map<BackendKind, Set<string>>;
  /** null: Herd is not there to ask, so no proxy can be checked. */
  proxies: Map<string, string> | null;
}

export async function gatherFacts(deps: SessionDeps): Promise<Facts> {
  const vms = new Map<BackendKind, Set<string>>();
  for (const kind of deps.backends.available()) {
    try {
      vms.set(kind, new Set((await deps.backends.runtime(kind).list()).map((v) => v.name)));
    } catch {
      // Not reachable now (an Orchard controller down): its VMs are judged next time.
    }
  }
  const status = await deps.proxies.status();
  const served: ServedProxy[] | null = status.available ? await deps.proxies.proxies() : null;
  return { vms, proxies: served && new Map(served.map((p) => [p.name, p.target])) };
}

/** Where a ledger VM runs (entries from before backends are this Mac's Tart). */
export function vmBackend(e: LedgerEntry): BackendKind {
  return e.detail.backend ?? 'tart';
}

/** "created by session abcd1234 at <time>, ledger entry #12" */
export function origin(e: LedgerEntry): string {
  const who = e.sessionId ? `session ${e.sessionId}` : 'Clave';
  const how =
    e.state === 'intended'
      ? `was being created by ${who} at ${e.createdAt} when it stopped`
      : `created by ${who} at ${e.createdAt}`;
  return `${how}, ledger entry #${e.id}`;
}

/** A target Clave's tunnels use: http(s)://127.0.0.1:<port in Clave's range>. */
export function isClaveTarget(target: string, range: PortRange): boolean {
  if (!URL.canParse(target)) return false;
  const url = new URL(target);
  const port = Number(url.port);
  return url.hostname === '127.0.0.1' && port >= range.from && port <= range.to;
}

/** Where Herd says `name` points now: undefined when it does not serve it, null without Herd. */
export async function servedTarget(
  deps: SessionDeps,
  name: string,
): Promise<string | null | undefined> {
  if (!(await deps.proxies.status()).available) return null;
  return (await deps.proxies.proxies()).find((p) => p.name === name)?.target;
}

/** The proxy is served but no longer at a Clave tunnel: someone re-pointed it. */
export async function repointed(deps: SessionDeps, name: string): Promise<boolean> {
  const target = await servedTarget(deps, name).catch(() => null);
  return target ? !isClaveTarget(target, deps.ports.range) : false;
}

export async function judge(e: LedgerEntry, deps: SessionDeps, facts: Facts): Promise<CleanupItem> {
  const item = (action: CleanupItem['action'], reason: string): CleanupItem => ({
    kind: e.kind,
    name: e.name,
    sessionId: e.sessionId,
    ledgerId: e.id,
    action,
    reason: `${origin(e)}; ${reason}`,
  });
  switch (e.kind) {
    case 'vm': {
      const backend = vmBackend(e);
      const listed = facts.vms.get(backend);
      if (!listed)
        return item(
          'keep',
          `${backend} could not be asked about it now; cleanup looks again next time`,
        );
      if (e.detail.pid !== undefined && listed.has(e.name) && isAlive(e.detail.pid))
        return item('keep', `the provision building it (process ${e.detail.pid}) is still running`);
      return listed.has(e.name)
        ? item('remove', `the VM still exists under that name`)
        : item('forget', 'the VM is gone already');
    }
    case 'proxy': {
      if (!facts.proxies)
        return item('keep', 'Herd is not available to check it now; cleanup looks again next time');
      const target = facts.proxies.get(e.name);
      if (target === undefined) return item('forget', 'Herd no longer serves it');
      if (target === '')
        return item(
          'keep',
          `Herd does not say where it points, so it cannot be proven Clave's now; if it is, run: herd unproxy ${e.name}`,
        );
      const range = deps.ports.range;
      return isClaveTarget(target, range)
        ? item('remove', `proxy points at ${target.replace(/^https?:\/\//, '')}`)
        : item(
            'keep',
            `it now points at ${target}, not at a Clave tunnel (127.0.0.1:${range.from}-${range.to}): someone re-pointed it, so it is theirs`,
          );
    }
    case 'port':
      return item('forget', 'the port was freed when its host ended');
    case 'copy':
      return judgeCopy(e, deps, item);
    case 'snapshot':
      return judgeSnapshot(e, deps, item);
  }
}

/** A dependency snapshot is only a cache: it goes unless a session that may still run uses it. */
function judgeSnapshot(
  e: LedgerEntry,
  deps: SessionDeps,
  item: (action: CleanupItem['action'], reason: string) => CleanupItem,
): CleanupItem {
  if (!existsSync(e.name)) return item('forget', 'the dependency snapshot is gone already');
  if (e.state === 'intended') return item('remove', 'its making was cut short');
  const { snapshots, key } = snapshotOf(e.name);
  const users = inUseBy(snapshots, key, (id) =>
    UNFINISHED_STATES.includes(deps.sessions.get(id)?.state ?? 'ended'),
  );
  return users.length
    ? item('keep', `session ${users.join(', ')} uses it`)
    : item(
        'remove',
        'no running session uses it (the next one with that lock file makes it again)',
      );
}

async function judgeCopy(
  e: LedgerEntry,
  deps: SessionDeps,
  item: (action: CleanupItem['action'], reason: string) => CleanupItem,
): Promise<CleanupItem> {
  const r = e.sessionId ? deps.sessions.get(e.sessionId) : undefined;
  const repo = e.detail.repo ?? r?.projectDir ?? null;
  const branch = e.detail.branch ?? null;
  const folder = existsSync(e.name);
  const branchTip = repo && branch ? await deps.git.resolve(repo, `refs/heads/${branch}`) : null;
  if (!folder && branchTip === null) return item('forget', 'the copy and its branch are gone');
  const work =
    repo !== null &&
    (await hasUnmergedWork(deps.git, {
      projectDir: repo,
      worktreeDir: e.name,
      baseBranch: r?.baseBranch ?? null,
      baseCommit: r?.baseCommit ?? null,
    }).catch(() => true));
  if (r) {
    if (r.state === 'kept' && r.hasUnmergedWork !== work)
      deps.sessions.update(r.id, { hasUnmergedWork: work });
    const decide = `clave stop ${r.id} --on-exit=merge|discard`;
    return item(
      'keep',
      `session ${r.id} is ${r.state}${work ? ' and holds unmerged work' : ''}: the person decides (${decide})`,
    );
  }
  return work
    ? item('keep', 'it holds work found nowhere else; merge it by hand or delete it yourself')
    : item('remove', 'no session owns it and it holds no unmerged work');
}
