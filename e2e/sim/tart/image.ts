// The simulated `ghcr.io/cirruslabs/ubuntu` image, already provisioned the way Clave's base image
// would be. A VM's "disk" is an overlay layer over the host's root file system: this module writes
// the files that make the guest an Ubuntu box with user admin/admin, passwordless sudo, sshd,
// a web server, stand-ins for claude, php, composer, systemctl and the virtiofs mount, and
// recorders for the package managers and downloaders (image-recorders.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { GATEWAY_IP, GUEST_REPO_DIR } from '../config';
import { PHP_VERSION } from '../guest/laravel';
import { installRecorders } from './image-recorders';
import { encodeConfig, randomMac, type VMConfig } from './vmconfig';

export const GUEST_USER = 'admin';
export const GUEST_PASSWORD = 'admin';
export const GUEST_HOSTNAME = 'ubuntu';
export const DEFAULT_DISK_GB = 20;

const TSX = `file://${GUEST_REPO_DIR}/node_modules/tsx/dist/esm/index.mjs`;
const GUEST_SRC = `${GUEST_REPO_DIR}/e2e/sim/guest`;

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** First id >= 1000 that no host user or group uses (UID 1000 is taken on our machines). */
function freeId(): number {
  const used = new Set<number>();
  for (const l of readLines('/etc/passwd')) used.add(Number(l.split(':')[2]));
  for (const l of readLines('/etc/group')) used.add(Number(l.split(':')[2]));
  let id = 1000;
  while (used.has(id)) id++;
  return id;
}

function put(root: string, rel: string, content: string, mode = 0o644): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

function chownTree(p: string, uid: number, gid: number): void {
  chownSync(p, uid, gid);
  if (statSync(p).isDirectory()) {
    for (const n of readdirSync(p)) chownTree(join(p, n), uid, gid);
  }
}

/**
 * A wrapper in the image that runs one of the simulator's programs: the bundle `tart run` mounts at
 * /run/tart-sim/programs, else the TypeScript source from the read-only repo mount through tsx.
 */
function tsWrapper(program: string): string {
  const bundle = `/run/tart-sim/programs/${program}.mjs`;
  return [
    '#!/bin/sh',
    `[ -f ${bundle} ] && exec ${process.execPath} ${bundle} "$@"`,
    `exec ${process.execPath} --import ${TSX} ${GUEST_SRC}/${program}.ts "$@"`,
    '',
  ].join('\n');
}

function shWrapper(script: string, as?: string): string {
  return `#!/bin/sh\nexec ${GUEST_SRC}/bin/${script}${as ? ` --as=${as}` : ''} "$@"\n`;
}

/** Writes the guest's root layer (an overlayfs upper directory) for a fresh image. */
export function buildGuestLayer(upper: string): { uid: number; gid: number } {
  const uid = freeId();
  const gid = uid;
  const user = GUEST_USER;

  // Identity: the host's system accounts (services such as sshd need theirs) plus admin.
  const passwd = readLines('/etc/passwd').filter((l) => !l.startsWith(`${user}:`));
  passwd.push(`${user}:x:${uid}:${gid}:Admin:/home/${user}:/bin/bash`);
  put(upper, 'etc/passwd', passwd.join('\n') + '\n');
  const group = readLines('/etc/group')
    .filter((l) => !l.startsWith(`${user}:`))
    .map((l) => {
      const [name, x, g, members = ''] = l.split(':');
      if (name !== 'sudo' && name !== 'adm') return l;
      const list = members ? members.split(',') : [];
      list.push(user);
      return [name, x, g, list.join(',')].join(':');
    });
  group.push(`${user}:x:${gid}:`);
  put(upper, 'etc/group', group.join('\n') + '\n');
  const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], {
    input: GUEST_PASSWORD,
    encoding: 'utf8',
  }).trim();
  const shadow = passwd.map((l) => {
    const name = l.split(':')[0];
    return name === user ? `${user}:${hash}:19700:0:99999:7:::` : `${name}:*:19700:0:99999:7:::`;
  });
  put(upper, 'etc/shadow', shadow.join('\n') + '\n', 0o640);

  // Passwordless sudo, as cloud-init configures it in the cirruslabs images.
  put(
    upper,
    'etc/sudoers',
    [
      'Defaults\tenv_reset',
      'Defaults\tmail_badpass',
      'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"',
      'Defaults\tuse_pty',
      'root\tALL=(ALL:ALL) ALL',
      '%admin\tALL=(ALL) ALL',
      '%sudo\tALL=(ALL:ALL) ALL',
      '@includedir /etc/sudoers.d',
      '',
    ].join('\n'),
    0o440,
  );
  put(upper, 'etc/sudoers.d/90-cloud-init-users', `${user} ALL=(ALL) NOPASSWD:ALL\n`, 0o440);

  put(upper, 'etc/hostname', `${GUEST_HOSTNAME}\n`);
  put(
    upper,
    'etc/hosts',
    `127.0.0.1 localhost\n127.0.1.1 ${GUEST_HOSTNAME}\n::1 localhost ip6-localhost ip6-loopback\n`,
  );
  // vmnet answers DNS on the gateway; here nothing does, so lookups fail fast and stay local.
  put(upper, 'etc/resolv.conf', `nameserver ${GATEWAY_IP}\n`);
  put(upper, 'etc/fstab', '# <file system> <mount point> <type> <options> <dump> <pass>\n');
  put(
    upper,
    'etc/os-release',
    [
      'PRETTY_NAME="Ubuntu 24.04.1 LTS"',
      'NAME="Ubuntu"',
      'VERSION_ID="24.04"',
      'VERSION="24.04.1 LTS (Noble Numbat)"',
      'VERSION_CODENAME=noble',
      'ID=ubuntu',
      'ID_LIKE=debian',
      'UBUNTU_CODENAME=noble',
      '',
    ].join('\n'),
  );

  // sshd: password login on, as the image forces ssh_pwauth.
  put(
    upper,
    'etc/ssh/sshd_config',
    [
      'Include /etc/ssh/sshd_config.d/*.conf',
      'Port 22',
      'ListenAddress 0.0.0.0',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'PidFile /run/sshd.pid',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'X11Forwarding no',
      'AcceptEnv LANG LC_*',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      '',
    ].join('\n'),
  );
  mkdirSync(join(upper, 'etc/ssh/sshd_config.d'), { recursive: true });
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `root@${GUEST_HOSTNAME}`,
    '-f',
    join(upper, 'etc/ssh/ssh_host_ed25519_key'),
  ]);

  // nginx's site: the web server stand-in reads `root` from here on start and on reload.
  put(
    upper,
    'etc/nginx/sites-enabled/default',
    [
      'server {',
      '    listen 80 default_server;',
      '    root /srv/project/public;',
      '    index index.html index.htm index.php;',
      '    server_name _;',
      '}',
      '',
    ].join('\n'),
  );

  // The PHP-FPM unit of the image's PHP (what `systemctl` knows; the web server stands in for it).
  const php = PHP_VERSION.split('.').slice(0, 2).join('.');
  put(
    upper,
    `usr/lib/systemd/system/php${php}-fpm.service`,
    `[Unit]\nDescription=The PHP ${php} FastCGI Process Manager\n`,
  );

  // Provisioned tools (stand-ins) on the default PATH and on sudo's secure_path.
  for (const p of ['php', 'composer']) put(upper, `usr/local/bin/${p}`, tsWrapper(p), 0o755);
  for (const p of ['systemctl', 'service']) {
    put(upper, `usr/local/bin/${p}`, shWrapper(p), 0o755);
    put(upper, `usr/local/sbin/${p}`, shWrapper(p), 0o755);
  }
  put(upper, 'usr/local/sbin/mount', shWrapper('mount'), 0o755);
  // Package managers and downloaders: recorders, so provisioning this image works offline.
  installRecorders(upper, { claude: tsWrapper('claude'), composer: tsWrapper('composer') });
  for (const p of ['poweroff', 'shutdown', 'halt', 'reboot']) {
    put(upper, `usr/local/sbin/${p}`, shWrapper('poweroff', p), 0o755);
  }

  // The login user's home, with Claude Code where the native installer puts it.
  const home = join(upper, 'home', user);
  put(
    home,
    '.profile',
    [
      '# ~/.profile: executed by the command interpreter for login shells.',
      'if [ -n "$BASH_VERSION" ]; then',
      '    if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi',
      'fi',
      'if [ -d "$HOME/bin" ] ; then PATH="$HOME/bin:$PATH"; fi',
      'if [ -d "$HOME/.local/bin" ] ; then PATH="$HOME/.local/bin:$PATH"; fi',
      '',
    ].join('\n'),
  );
  put(
    home,
    '.bashrc',
    [
      '# ~/.bashrc: executed by bash(1) for non-login shells.',
      'case $- in',
      '    *i*) ;;',
      '      *) return;;',
      'esac',
      'HISTCONTROL=ignoreboth',
      "PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '",
      '',
    ].join('\n'),
  );
  put(home, '.local/bin/claude', tsWrapper('claude'), 0o755);
  chownTree(home, uid, gid);
  chmodSync(home, 0o750);
  // The project mount point (the provisioning script creates it, owned by the VM user).
  mkdirSync(join(upper, 'srv/project'), { recursive: true });
  chownSync(join(upper, 'srv/project'), uid, gid);
  return { uid, gid };
}

/** The guest user's uid/gid as recorded in a VM's root layer. */
export function guestIds(upper: string): { uid: number; gid: number } {
  for (const l of readLines(join(upper, 'etc/passwd'))) {
    const f = l.split(':');
    if (f[0] === GUEST_USER) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`no ${GUEST_USER} user in ${upper}/etc/passwd`);
}

export interface ImageFiles {
  config: VMConfig;
}

/** Writes config.json, disk.img (sparse), nvram.bin and the guest layer of a fresh image. */
export function buildImage(dir: string, diskGB = DEFAULT_DISK_GB): ImageFiles {
  mkdirSync(dir, { recursive: true });
  const config: VMConfig = {
    version: 1,
    os: 'linux',
    arch: 'arm64',
    cpuCountMin: 4,
    cpuCount: 4,
    memorySizeMin: 4 * 1024 ** 3,
    memorySize: 4 * 1024 ** 3,
    macAddress: randomMac(),
    display: { width: 1024, height: 768 },
    diskFormat: 'raw',
  };
  writeFileSync(join(dir, 'config.json'), encodeConfig(config));
  const disk = join(dir, 'disk.img');
  // A sparse file of the disk's size; a little real data so its allocated size is not zero.
  writeFileSync(disk, randomBytes(1024 * 1024));
  truncateSync(disk, diskGB * 1000 ** 3);
  writeFileSync(join(dir, 'nvram.bin'), Buffer.alloc(128 * 1024));
  const upper = join(dir, '.sim-rootfs', 'upper');
  mkdirSync(upper, { recursive: true });
  buildGuestLayer(upper);
  return { config };
}
