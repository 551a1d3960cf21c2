// `tart exec [-i] [-t] <name> <command> [args…]` (Commands/Exec.swift): runs the command in the
// guest as the guest agent's user (admin), without a shell, and exits with its exit code.
// The simulator enters the guest's namespaces directly instead of going through a guest agent.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { simSettings } from '../../config';
import { UsageError, type CommandDef } from '../cli';
import { RuntimeError } from '../errors';
import { GUEST_USER, guestIds } from '../image';
import { allStates } from '../runtime';
import type { TartHome } from '../store';

export const execDef: CommandDef = {
  name: 'exec',
  abstract: 'Execute a command in a running VM',
  defs: [
    {
      kind: 'flag',
      key: 'interactive',
      long: 'interactive',
      short: 'i',
      help: "Attach host's standard input to a remote command",
    },
    {
      kind: 'flag',
      key: 'tty',
      long: 'tty',
      short: 't',
      help: 'Allocate a remote pseudo-terminal (PTY)',
    },
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    {
      kind: 'positional',
      key: 'command',
      valueName: 'command',
      help: 'Command to execute',
      repeating: true,
    },
  ],
};

/** Flags come before the VM name; everything after the name goes verbatim to the guest. */
export function parseExec(argv: readonly string[]): {
  interactive: boolean;
  name: string;
  command: string[];
} {
  let interactive = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const t = argv[i] ?? '';
    if (t === '-i' || t === '--interactive') interactive = true;
    else if (t === '-t' || t === '--tty') continue;
    else if (t === '-it' || t === '-ti') interactive = true;
    else if (t === '--') {
      i++;
      break;
    } else if (t.startsWith('-')) throw new UsageError(`Unknown option '${t}'`);
    else break;
  }
  const name = argv[i];
  if (name === undefined)
    throw new UsageError("Missing expected argument '<name>'", '<name>  VM name');
  const command = argv.slice(i + 1);
  if (command.length === 0) {
    throw new UsageError(
      "Missing expected argument '<command> ...'",
      '<command>  Command to execute',
    );
  }
  return { interactive, name, command };
}

export async function execCommand(home: TartHome, argv: readonly string[]): Promise<number> {
  const a = parseExec(argv);
  const vm = home.openLocal(a.name);
  if (!vm.running()) throw RuntimeError.notRunning(a.name);
  const st = allStates(simSettings()).find((x) => x.vmDir === vm.path && x.guest);
  if (!st?.guest) throw RuntimeError.notRunning(a.name);
  const { uid, gid } = guestIds(join(vm.rootfsDir, 'upper'));
  const child = spawn(
    'nsenter',
    [
      '-t',
      String(st.guest.pid),
      '-a',
      '--wdns=/',
      'setpriv',
      `--reuid=${uid}`,
      `--regid=${gid}`,
      '--init-groups',
      'env',
      '-i',
      `HOME=/home/${GUEST_USER}`,
      `USER=${GUEST_USER}`,
      `LOGNAME=${GUEST_USER}`,
      'PATH=/usr/local/bin:/usr/bin:/bin:/usr/games',
      'LANG=C.UTF-8',
      ...a.command,
    ],
    { stdio: [a.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'] },
  );
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
