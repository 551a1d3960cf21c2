// How `clave cleanup` and `clave sessions` say what cleanup did or would do, and why each thing
// is Clave's; which kept sessions still wait for a merge or discard, and whose stop did not finish.
import type { CleanupItem, CleanupReport } from '../shared/api';
import { stopDidNotFinish, type SessionSummary } from '../shared/session';

const KIND: Record<CleanupItem['kind'], string> = {
  vm: 'VM',
  proxy: 'Herd proxy',
  port: 'tunnel port',
  copy: 'session copy',
  snapshot: 'dependency snapshot',
};

export function cleanupLines(r: CleanupReport): string[] {
  const verb = {
    remove: r.dryRun ? 'Would remove' : 'Removed',
    forget: r.dryRun ? 'Would forget' : 'Forgot',
    keep: 'Left alone',
  };
  const lines = r.staleRecords.map(
    (id) =>
      `${r.dryRun ? 'Would tear down' : 'Tore down'} session ${id} (left unfinished: its host ended, or its stop failed)`,
  );
  for (const dir of r.standbys)
    lines.push(
      `${verb.remove} the standby session prepared ahead for ${dir} (warm start; it comes back when you start there)`,
    );
  for (const i of r.items) lines.push(`${verb[i.action]} ${KIND[i.kind]} ${i.name}: ${i.reason}`);
  if (!r.items.some((i) => i.action !== 'keep') && !r.staleRecords.length && !r.standbys.length)
    lines.push('Nothing to clean up.');
  lines.push(
    'Cleanup removes only what Clave made (its ledger): never your own Herd proxies or VMs, never a copy holding work.',
  );
  return lines;
}

/** 1536 → "1.5 KB" (powers of 1024, as Finder and du -h count). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function keptLines(sessions: SessionSummary[]): string[] {
  const kept = sessions.filter((s) => s.state === 'kept');
  if (!kept.length) return [];
  return [
    '',
    'Kept session copies (clave resume <id>, or clave stop <id> --on-exit=merge|discard):',
    ...kept.map(
      (s) =>
        `  ${s.id}  ${s.worktreeDir ?? '-'}  ${s.hasUnmergedWork ? 'holds unmerged work' : 'no unmerged work'}` +
        (s.diskBytes === null ? '' : `  ${formatBytes(s.diskBytes)} on disk`) +
        (s.transcriptBytes === null
          ? '  no saved conversation'
          : `  conversation ${formatBytes(s.transcriptBytes)}`),
    ),
  ];
}

/** Sessions a failed teardown left stopping, with why: asking again (or cleanup) finishes them. */
export function unfinishedStopLines(sessions: SessionSummary[]): string[] {
  const stuck = sessions.filter(stopDidNotFinish);
  if (!stuck.length) return [];
  return [
    '',
    'Stops that did not finish (once the cause is fixed: clave stop <id> again, or clave cleanup):',
    ...stuck.map((s) => `  ${s.id}  ${s.error!.what}`),
  ];
}
