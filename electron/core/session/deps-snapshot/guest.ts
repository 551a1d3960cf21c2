// The guest's side of dependency snapshots: the project's snapshots folder shared read-only into
// the VM (a second share beside the copy, fixed when the VM boots), and a snapshot laid over the
// copy's vendor/ as an overlay whose writable layer is in the VM's memory — so vendor/ works as
// usual (the agent may add a package) and none of it reaches the Mac's copy.
import { mkdirSync } from 'node:fs';
import { command } from '../../host/shell-quote';
import type { SshConnection } from '../../host/ssh';
import { PROJECT_DIR } from '../../vm/guest';
import type { HostFolder } from '../../vm/runtime';
import type { SessionContext } from '../context';
import { projectSnapshots, type ProjectSnapshots } from './snapshots';

export const SNAPSHOTS_GUEST_DIR = '/var/lib/clave/deps';
const SNAPSHOTS_TAG = 'clave-deps';
/** vendor/ when it is installed in the VM: on the VM's own disk, never in the Mac's copy. */
export const VENDOR_ON_DISK = '/var/cache/clave/vendor';
/** The writable layer over a snapshot (tmpfs: an overlay cannot sit on every root fs). */
const LAYER = '/var/cache/clave/vendor-layer';

/** The project's snapshots as a folder for the VM, or null when the session installs none. */
export function snapshotsFolder(
  ctx: SessionContext,
): { folder: HostFolder; snapshots: ProjectSnapshots } | null {
  if (!ctx.projectConfig.bootstrap.composer) return null;
  // Snapshots are a second live share: a VM that cannot see this Mac's folders installs as before.
  if (!ctx.deps.vms.sharesFolders) return null;
  const snapshots = projectSnapshots(ctx.deps.paths.root, ctx.projectDir);
  // A data dir tart cannot share: sessions install as before.
  if (ctx.deps.vms.unsharable(snapshots.share) !== null) return null;
  return {
    snapshots,
    folder: {
      path: snapshots.share,
      guestPath: SNAPSHOTS_GUEST_DIR,
      tag: SNAPSHOTS_TAG,
      readOnly: true,
    },
  };
}

/** Made before the VM boots: tart shares only folders that exist. */
export function ensureSnapshotsFolder(ctx: SessionContext): HostFolder[] {
  const s = snapshotsFolder(ctx);
  if (!s) return [];
  mkdirSync(s.folder.path, { recursive: true });
  return [s.folder];
}

/** vendor/ of the copy on the VM's disk (run in PROJECT_DIR). */
export function vendorOnDiskCommand(user: string): string {
  return [
    command(['sudo', 'mkdir', '-p', VENDOR_ON_DISK, 'vendor']),
    command(['sudo', 'chown', `${user}:${user}`, VENDOR_ON_DISK]),
    `{ ${command(['mountpoint', '-q', 'vendor'])} || ${command(['sudo', 'mount', '--bind', VENDOR_ON_DISK, 'vendor'])}; }`,
  ].join(' && ');
}

/** Snapshot `key` (already attached) as the copy's vendor/, writable (run in PROJECT_DIR). */
export function vendorFromSnapshotCommand(key: string, user: string): string {
  const lower = `${SNAPSHOTS_GUEST_DIR}/${key}/vendor`;
  return [
    command(['sudo', 'mkdir', '-p', LAYER, 'vendor']),
    `{ ${command(['mountpoint', '-q', LAYER])} || ${command(['sudo', 'mount', '-t', 'tmpfs', '-o', 'mode=0755', 'clave-vendor', LAYER])}; }`,
    command(['sudo', 'mkdir', '-p', `${LAYER}/upper`, `${LAYER}/work`]),
    command(['sudo', 'chown', `${user}:${user}`, `${LAYER}/upper`]),
    `{ ${command(['mountpoint', '-q', 'vendor'])} || ${command([
      'sudo',
      'mount',
      '-t',
      'overlay',
      'clave-vendor',
      '-o',
      `lowerdir=${lower},upperdir=${LAYER}/upper,workdir=${LAYER}/work`,
      'vendor',
    ])}; }`,
  ].join(' && ');
}

/** Streams the installed vendor/ out of the VM as a tar archive into `sink`. */
export async function streamVendor(
  ssh: SshConnection,
  sink: (chunk: Buffer) => void,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  const r = await ssh.exec(command(['tar', '-C', PROJECT_DIR, '-cf', '-', 'vendor']), {
    ...options,
    // The archive goes to sink as it comes; only a bounded tail is kept in memory.
    maxBufferBytes: 64 * 1024,
    onStdout: sink,
  });
  if (r.code !== 0) throw new Error(`tar in the VM failed (exit ${r.code}): ${r.stderr.trim()}`);
}
