// Test helper: run the provisioning script for real, as root, without touching this machine.
// Each run happens in a private mount namespace where /etc and /usr/local are overlays whose
// upper layers persist in the sandbox folder (so a second run sees the first run's files, as in
// a VM), /home and /srv are sandbox folders, and the VM user exists only in the overlay's passwd.
// Package managers and downloaders are recorders (recorders.ts) first on PATH.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quote } from '../../host/shell-quote';
import { createRecorders, type Recorders } from './recorders';

export interface SandboxRun {
  code: number | null;
  output: string;
}

export interface Sandbox {
  root: string;
  recorders: Recorders;
  /** Run a bash command inside the sandbox as root, recorders first on PATH. */
  exec(command: string, timeoutMs?: number): Promise<SandboxRun>;
  /** A file as the sandbox sees it, or null when missing. */
  read(file: string): Promise<string | null>;
  close(): void;
}

export function createSandbox(user = 'admin'): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'clave-provision-sandbox-'));
  chmodSync(root, 0o755);
  for (const d of ['ovl/etc/up', 'ovl/etc/work', 'ovl/local/up', 'ovl/local/work', 'home', 'srv']) {
    mkdirSync(path.join(root, d), { recursive: true });
  }
  const recorders = createRecorders(path.join(root, 'rec'));
  const q = (p: string) => quote(path.join(root, p));
  const setup = [
    'set -euo pipefail',
    `mount -t overlay overlay -o lowerdir=/etc,upperdir=${q('ovl/etc/up')},workdir=${q('ovl/etc/work')} /etc`,
    `mount -t overlay overlay -o lowerdir=/usr/local,upperdir=${q('ovl/local/up')},workdir=${q('ovl/local/work')} /usr/local`,
    `mount --bind ${q('home')} /home`,
    `mount --bind ${q('srv')} /srv`,
    `id -u ${quote(user)} >/dev/null 2>&1 || useradd -m -U -s /bin/bash ${quote(user)}`,
  ].join('\n');
  const env = {
    PATH: `${recorders.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: '/root',
    LANG: 'C.UTF-8',
  };

  const exec = (command: string, timeoutMs = 30_000) =>
    new Promise<SandboxRun>((resolve, reject) => {
      const child = spawn(
        'unshare',
        ['--mount', '--propagation', 'private', '--fork', 'bash', '-c', `${setup}\n${command}`],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });

  return {
    root,
    recorders,
    exec,
    async read(file) {
      const r = await exec(`if [ -e ${quote(file)} ]; then cat ${quote(file)}; else exit 3; fi`);
      return r.code === 0 ? r.output : null;
    },
    close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
