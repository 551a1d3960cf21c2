// What a session VM never needs at boot, switched off in the base image so every clone boots
// faster. Each entry says why it is safe; docs/macos-acceptance.md says how to measure the gain
// (`systemd-analyze`, before and after).
//
// cloud-init: in the cirruslabs images it did its work when the image was built and at the
// image's first boot here (the admin user, sudo, `ssh_pwauth`, and /etc/netplan/50-cloud-init.yaml
// from their 99_cirruslabs.cfg: `match: name: en*`, `dhcp4`, `dhcp-identifier: mac`). Those files
// stay on the disk, and the netplan match is by interface name, not MAC, so clones with a fresh MAC
// keep their network. The image has no datasource (`datasource_list: [ None ]`), so every later
// boot only repeats cloud-init's four stages for nothing — except growpart/resizefs, which the
// cirruslabs images keep cloud-init for, and which this section runs itself when the boot skipped
// cloud-init (an `--update` of a base whose disk was grown).

/** Units masked: `mask` is idempotent and works whether or not the image has the unit. */
export const BOOT_MASKED_UNITS = [
  // Seeding snaps at boot waits for snapd; sessions install nothing from the Snap Store.
  'snapd.seeded.service',
  'snapd.service',
  'snapd.socket',
  // A session lives for hours; the image is updated with `clave provision --update`, and these
  // would hold the dpkg lock (and the network) right when a session starts.
  'apt-daily.timer',
  'apt-daily.service',
  'apt-daily-upgrade.timer',
  'apt-daily-upgrade.service',
  'unattended-upgrades.service',
  // Waits for every link to be "configured" (up to 2 min when one never is); nothing a session
  // runs waits for network-online.target: sshd, nginx and PHP-FPM start without it.
  'systemd-networkd-wait-online.service',
] as const;

/** cloud-init's documented switch (docs: "How to disable cloud-init", method 1). */
export const CLOUD_INIT_DISABLED = '/etc/cloud/cloud-init.disabled';

/** The bash body of the `boot` section (runs as root, late in the script). */
export function bootTuningBody(): string {
  return [
    `if [ -e ${CLOUD_INIT_DISABLED} ] && command -v cloud-init >/dev/null 2>&1; then`,
    '  # This boot skipped cloud-init: grow the root partition and file system as it would have.',
    '  cloud-init single --name growpart --frequency always',
    '  cloud-init single --name resizefs --frequency always',
    'fi',
    'install -d -m 755 /etc/cloud',
    `touch ${CLOUD_INIT_DISABLED}`,
    `systemctl mask ${BOOT_MASKED_UNITS.join(' ')}`,
  ].join('\n');
}
