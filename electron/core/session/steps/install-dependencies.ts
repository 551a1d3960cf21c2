// Session 6b: the app's dependencies in the VM, never in the Mac's copy. When the project has a
// snapshot for the copy's lock files (deps-snapshot/), it is laid over vendor/ in about a second;
// else vendor/ goes on the VM's disk and composer installs as always, and what it installed
// becomes the project's snapshot for the next session (the last few are kept). Runs beside the
// tunnel and proxy steps: it needs only the VM. A failing install is a warning, not the end.
import { command } from '../../host/shell-quote';
import { UNFINISHED_STATES } from '../../store/sessions-repository';
import { attachFolder } from '../../vm/attach';
import type { SessionContext } from '../context';
import {
  snapshotsFolder,
  streamVendor,
  vendorFromSnapshotCommand,
  vendorOnDiskCommand,
} from '../deps-snapshot/guest';
import {
  captureSnapshot,
  dependencyKey,
  isComplete,
  markInUse,
  pruneSnapshots,
  type ProjectSnapshots,
} from '../deps-snapshot/snapshots';
import { projectCommand } from '../guest/project-command';
import { need } from '../need';
import type { Step, StepProgress } from '../pipeline';
import { toProblem } from '../problem';

/** Snapshots kept per project: enough for a few branches with different lock files. */
export const KEEP_SNAPSHOTS = 3;

export const installDependencies: Step<SessionContext> = {
  name: 'install-dependencies',
  label: 'Install dependencies',
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', installDependencies);
    const user = ctx.settings.ssh.user;
    const shared = snapshotsFolder(ctx);
    const key = shared ? await dependencyKey(need(ctx, 'worktreeDir', installDependencies)) : null;
    if (shared && key && isComplete(shared.snapshots, key)) {
      if (await fromSnapshot(ctx, progress, shared, key)) return;
    }
    await projectCommand(
      ssh,
      progress,
      'Put vendor/ on the VM disk',
      vendorOnDiskCommand(user),
      30_000,
    );
    if (!ctx.projectConfig.bootstrap.composer) return;
    const installed = await projectCommand(
      ssh,
      progress,
      'composer install',
      command(['composer', 'install', '--no-interaction', '--prefer-dist']),
      ctx.settings.timeouts.commandSeconds * 1000,
    );
    if (installed && shared && key) await keepSnapshot(ctx, progress, shared.snapshots, key);
  },
};

async function fromSnapshot(
  ctx: SessionContext,
  progress: StepProgress,
  shared: NonNullable<ReturnType<typeof snapshotsFolder>>,
  key: string,
): Promise<boolean> {
  const ssh = need(ctx, 'ssh', installDependencies);
  progress.hint(`vendor/ from the project's snapshot ${key.slice(0, 8)} (same lock files)`);
  // Marked first: pruning by another session must not take it while it is being mounted.
  markInUse(shared.snapshots, key, ctx.id);
  const attached = await attachFolder(ctx.deps.vms, ssh, shared.folder, {
    deadlineMs: ctx.settings.timeouts.mountSeconds * 1000,
    signal: progress.signal,
  });
  const mounted =
    attached.ok &&
    (await projectCommand(
      ssh,
      progress,
      'Lay the dependency snapshot over vendor/',
      vendorFromSnapshotCommand(key, ctx.settings.ssh.user),
      30_000,
    ));
  if (!mounted) progress.hint('the snapshot could not be used: installing instead');
  return mounted;
}

/** What composer installed, kept for the next session with these lock files. */
async function keepSnapshot(
  ctx: SessionContext,
  progress: StepProgress,
  snapshots: ProjectSnapshots,
  key: string,
) {
  const ssh = need(ctx, 'ssh', installDependencies);
  progress.hint('keeping the installed dependencies for the next session');
  try {
    await captureSnapshot({
      snapshots,
      key,
      sessionId: ctx.id,
      repo: ctx.projectDir,
      ledger: ctx.deps.ledger,
      produce: (sink) =>
        streamVendor(ssh, sink, {
          timeoutMs: ctx.settings.timeouts.commandSeconds * 1000,
          signal: progress.signal,
        }),
    });
    await pruneSnapshots({
      snapshots,
      keep: KEEP_SNAPSHOTS,
      ledger: ctx.deps.ledger,
      mayRun: (id) => UNFINISHED_STATES.includes(ctx.deps.sessions.get(id)?.state ?? 'ended'),
    });
  } catch (error) {
    const p = toProblem(error);
    progress.warn({
      what: 'The installed dependencies were not kept for the next session',
      why: p.why ?? p.what,
      fix: 'Nothing to do for this session; the next one installs them again.',
    });
  }
}
