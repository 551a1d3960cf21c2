// The guest's layout that sessions, the image and the runtimes agree on.

/** Where the session copy appears inside every VM (the nginx site root is its `public/`). */
export const PROJECT_DIR = '/srv/project';
/**
 * The project folder's tag. Locally it is Tart's default VirtioFS tag (what a `--dir` share
 * without `tag=` is exposed as), which the image's fstab mounts at PROJECT_DIR.
 */
export const PROJECT_MOUNT_TAG = 'com.apple.virtio-fs.automount';
