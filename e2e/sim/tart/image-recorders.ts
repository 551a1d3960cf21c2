// The image's package managers and downloaders are recorders (../guest/recorder.sh), the same ones
// the provisioning tests put on PATH: the guest reaches only the gateway, so the real apt-get would
// hang on its mirrors for minutes. Provisioning the simulated image (`clave provision`) therefore
// runs to the end in seconds, leaves the tools the real commands would (the image already has php,
// composer, claude and the web server; an installer puts wrappers to them) and writes what ran to
// RECORDER_DIR/calls.log, which tests read from the VM's disk.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { SIM_DIR, SUBNET_PREFIX } from '../config';
import { PHP_VERSION } from '../guest/laravel';

/** Where the recorders live in the guest; calls.log there lists every recorded call. */
export const RECORDER_DIR = '/var/lib/tart-sim/recorders';
export const RECORDER_SCRIPT = join(SIM_DIR, 'guest', 'recorder.sh');

const PHP_MINOR = PHP_VERSION.split('.').slice(0, 2).join('.');

/** Always recorded: they only ever touch the package database, the network or a service. */
const RECORDED = ['apt-get', 'apt', 'add-apt-repository', `php-fpm${PHP_MINOR}`, 'nginx'];

/**
 * Recorded only for what cannot work offline; everything else goes to the host's real program
 * (curl to the guest's own web server or the gateway, npm in a project, node running scripts).
 */
const GATED: { program: string; real: string; record: string; why: string }[] = [
  {
    program: 'curl',
    real: '/usr/bin/curl',
    why: 'downloads from the internet are recorded; local and VM-network URLs are real',
    // First matching pattern wins: local addresses fall through to the real curl.
    record: [
      `  http://localhost* | https://localhost* | http://127.* | https://127.* | http://${SUBNET_PREFIX}.* | https://${SUBNET_PREFIX}.*) ;;`,
      `  http://* | https://*) exec ${RECORDER_DIR}/bin/curl "$@" ;;`,
    ].join('\n'),
  },
  {
    program: 'npm',
    real: join(dirname(process.execPath), 'npm'),
    why: 'global installs (npm install -g) are recorded; npm in a project is real',
    record: `  -g | --global | --location=global) exec ${RECORDER_DIR}/bin/npm "$@" ;;`,
  },
  {
    program: 'node',
    real: process.execPath,
    why: 'the host runs node; `node --version` reports the Node.js the image installed',
    record: '',
  },
];

function gate(g: (typeof GATED)[number]): string {
  const version =
    g.program === 'node'
      ? `case "$*" in --version | -v) exec ${RECORDER_DIR}/bin/node "$@" ;; esac\n`
      : '';
  const loop = g.record ? `for a in "$@"; do\n  case $a in\n${g.record}\n  esac\ndone\n` : '';
  return `#!/bin/sh\n# Image stand-in: ${g.why}.\n${version}${loop}exec ${g.real} "$@"\n`;
}

/**
 * Writes the recorder folder into the guest layer `upper` and puts the recorders first on every
 * PATH (/usr/local/bin). `installed` maps the programs installers put in place (claude, composer)
 * to the image's stand-in for them.
 */
export function installRecorders(upper: string, installed: Record<'claude' | 'composer', string>) {
  const dir = join(upper, RECORDER_DIR);
  for (const d of ['bin', 'lib', 'fail', 'version']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(RECORDER_SCRIPT, join(dir, 'recorder.sh'));
  chmodSync(join(dir, 'recorder.sh'), 0o755);
  // Relative links: the recorder finds its state through $0 (…/bin/<program>/..).
  for (const p of [...RECORDED, ...GATED.map((g) => g.program)]) {
    if (!existsSync(join(dir, 'bin', p))) symlinkSync('../recorder.sh', join(dir, 'bin', p));
  }
  for (const [p, content] of Object.entries(installed)) {
    writeFileSync(join(dir, 'lib', p), content, { mode: 0o755 });
  }
  // The Claude installer runs as the VM user and records its calls too.
  for (const log of ['calls.log', 'stdin.log']) {
    writeFileSync(join(dir, log), '');
    chmodSync(join(dir, log), 0o666);
  }

  const bin = join(upper, 'usr/local/bin');
  mkdirSync(bin, { recursive: true });
  for (const p of RECORDED) {
    const file = join(bin, p);
    writeFileSync(file, `#!/bin/sh\nexec ${RECORDER_DIR}/bin/${p} "$@"\n`);
    chmodSync(file, 0o755);
  }
  for (const g of GATED) {
    writeFileSync(join(bin, g.program), gate(g));
    chmodSync(join(bin, g.program), 0o755);
  }
}
