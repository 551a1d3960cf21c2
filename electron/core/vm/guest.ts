// The guest's layout that sessions, the image and the runtimes agree on.
import type { HostFolder } from './runtime';

/** Where the session copy appears inside every VM (the nginx site root is its `public/`). */
export const PROJECT_DIR = '/srv/project';
/**
 * The project folder's tag. Locally it is Tart's default VirtioFS tag (what a `--dir` share
 * without `tag=` is exposed as), which the image's fstab mounts at PROJECT_DIR.
 */
export const PROJECT_MOUNT_TAG = 'com.apple.virtio-fs.automount';

/** The session copy on this Mac as the folder every VM sees at PROJECT_DIR. */
export function projectFolder(worktreeDir: string): HostFolder {
  return { path: worktreeDir, guestPath: PROJECT_DIR, tag: PROJECT_MOUNT_TAG, readOnly: false };
}
