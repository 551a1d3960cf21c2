// Test helper: a folder of recorder programs (e2e/sim/guest/recorder.sh) that stand in for the package
// managers, downloaders and service tools the provisioning script calls. Put `<dir>/bin` first on
// the script's PATH; read back what would have been installed.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
// The simulated image carries the same recorder (installed for every program by default).
import { RECORDER_SCRIPT } from '../../../../e2e/sim/tart/image-recorders';

/** Everything the script calls that would touch the network, the package database or systemd. */
export const RECORDED_PROGRAMS = [
  'apt-get',
  'add-apt-repository',
  'curl',
  'npm',
  'systemctl',
  'cloud-init',
  'php',
  'php-fpm8.4',
  'php-fpm8.3',
  'nginx',
  'node',
  'mysql',
  'mysqladmin',
  'redis-server',
] as const;

/** Programs that exist only once the script installs them (the installers put wrappers in place). */
export const INSTALLED_PROGRAMS = ['claude', 'composer'] as const;

export interface RecordedCall {
  program: string;
  /** Who ran it (`id -un`): root for apt, the VM user for the Claude installer. */
  user: string;
  args: string[];
}

export interface Recorders {
  dir: string;
  /** Put this first on PATH. */
  bin: string;
  calls(): RecordedCall[];
  /** Calls as `program arg arg…` strings, for readable assertions. */
  commandLines(): string[];
  stdin(): string;
  /** Make `program` exit with `code`, or never return (only when its arguments contain `whenArgsContain`). */
  fail(program: string, code: number | 'hang', whenArgsContain?: string): void;
  clearFailures(): void;
  setVersion(program: string, version: string): void;
  reset(): void;
}

/**
 * Create the recorder folder. The folder (and its parents) must be readable by the VM user and
 * the log writable by it, because the Claude installer runs as that user.
 */
export function createRecorders(
  dir: string,
  programs: readonly string[] = RECORDED_PROGRAMS,
): Recorders {
  // The Claude installer runs as the VM user: it must reach the recorders (a 0700 mkdtemp
  // parent would make it fall through to the real curl).
  for (let d = path.dirname(path.resolve(dir)); d !== path.dirname(d); d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new Error(`${d} is not searchable by other users; chmod o+x it (recorders live below)`);
    }
  }
  const bin = path.join(dir, 'bin');
  const lib = path.join(dir, 'lib');
  mkdirSync(bin, { recursive: true });
  mkdirSync(lib, { recursive: true });
  mkdirSync(path.join(dir, 'fail'), { recursive: true });
  mkdirSync(path.join(dir, 'version'), { recursive: true });
  chmodSync(dir, 0o755);
  const links = [
    ...programs.map((p) => path.join(bin, p)),
    ...INSTALLED_PROGRAMS.map((p) => path.join(lib, p)),
  ];
  // A copy inside the recorder folder: the guest has a private /tmp, so links into a checkout
  // that lives under /tmp (as a CI clone may) would dangle there and let the real apt-get run.
  const script = path.join(dir, 'recorder.sh');
  copyFileSync(RECORDER_SCRIPT, script);
  chmodSync(script, 0o755);
  for (const link of links) if (!existsSync(link)) symlinkSync(script, link);
  const log = path.join(dir, 'calls.log');
  const stdinLog = path.join(dir, 'stdin.log');
  const reset = () => {
    writeFileSync(log, '');
    writeFileSync(stdinLog, '');
    chmodSync(log, 0o666);
    chmodSync(stdinLog, 0o666);
  };
  reset();

  const calls = (): RecordedCall[] =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const [program = '', user = '', ...args] = line.split('\x1f');
        return { program, user, args };
      });

  return {
    dir,
    bin,
    calls,
    commandLines: () => calls().map((c) => [c.program, ...c.args].join(' ')),
    stdin: () => readFileSync(stdinLog, 'utf8'),
    fail(program, code, whenArgsContain) {
      writeFileSync(
        path.join(dir, 'fail', program),
        `${code}\n${whenArgsContain === undefined ? '' : `${whenArgsContain}\n`}`,
      );
    },
    clearFailures() {
      rmSync(path.join(dir, 'fail'), { recursive: true, force: true });
      mkdirSync(path.join(dir, 'fail'));
    },
    setVersion(program, version) {
      writeFileSync(path.join(dir, 'version', program), `${version}\n`);
    },
    reset,
  };
}
