// The simulated `tart` executable (bin/tart runs this). Dispatches subcommands and maps errors to
// Tart's stderr texts and exit codes: RuntimeError → message, 1 or 2; ValidationError and argument
// errors → `Error: …` + usage, 64; anything else → `Error: …`, 1.
import { simSettings } from '../config';
import { FaultSyntaxError, findFault, loadFaults } from '../faults';
import {
  HelpRequested,
  UsageError,
  formatUsageError,
  helpText,
  parseCommand,
  type CommandDef,
  type Parsed,
} from './cli';
import { cloneDef, clone } from './commands/clone';
import { execCommand, execDef } from './commands/exec';
import { getCommand, getDef, listCommand, listDef } from './commands/info';
import { ipCommand, ipDef } from './commands/ip';
import { deleteCommand, deleteDef, renameCommand, renameDef } from './commands/manage';
import { pullCommand, pullDef } from './commands/pull';
import { runCommand, runDef } from './commands/run';
import { setCommand, setDef } from './commands/set';
import { stopCommand, stopDef } from './commands/stop';
import { OtherError, RuntimeError } from './errors';
import { gc } from './runtime';
import { TartHome } from './store';

type Handler = (home: TartHome, a: Parsed) => Promise<number | void>;

// What Foundation prints for a tmp entry gc could not remove (`\(error)` of an NSError).
const GC_ERROR =
  'Error Domain=NSCocoaErrorDomain Code=513 "“tmp-entry” couldn’t be removed because you don’t have permission to access it." UserInfo={NSUnderlyingError=0x600000c4c0f0 {Error Domain=NSPOSIXErrorDomain Code=13 "Permission denied"}}';

/**
 * Tart carries on when garbage collection fails, after one stderr line (Root.swift:
 * `fputs("Failed to perform garbage collection: \(error)\n", stderr)`); fault `gc-fail`.
 */
function reportGcFailure(): void {
  const fault = findFault(loadFaults(), 'gc-fail');
  if (fault)
    process.stderr.write(`Failed to perform garbage collection: ${fault.value || GC_ERROR}\n`);
}

const COMMANDS: Array<[CommandDef, Handler]> = [
  [cloneDef, clone],
  [runDef, runCommand],
  [setDef, setCommand],
  [getDef, getCommand],
  [listDef, listCommand],
  [ipDef, ipCommand],
  [pullDef, pullCommand],
  [renameDef, renameCommand],
  [stopDef, stopCommand],
  [deleteDef, deleteCommand],
];

function rootHelp(): string {
  return [
    'OVERVIEW: tart (simulated)',
    '',
    'USAGE: tart <subcommand>',
    '',
    'OPTIONS:',
    '  --version               Show the version.',
    '  -h, --help              Show help information.',
    '',
    'SUBCOMMANDS:',
    ...[...COMMANDS.map(([d]) => d), execDef].map((d) => `  ${d.name.padEnd(22)}${d.abstract}`),
    '',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--version') {
    process.stdout.write(simSettings().version + '\n');
    return 0;
  }
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(rootHelp());
    return 0;
  }
  const entry = COMMANDS.find(([d]) => d.name === sub);
  const def = entry?.[0] ?? (sub === 'exec' ? execDef : undefined);
  try {
    if (!def) {
      throw new UsageError(
        sub.startsWith('-') ? `Unknown option '${sub}'` : `Unexpected argument '${sub}'`,
      );
    }
    // Every command but pull and clone first garbage-collects (Root.swift); the simulator also
    // collects the leftovers of `tart run` processes that died.
    const home = TartHome.open();
    const collects = sub !== 'pull' && sub !== 'clone';
    if (collects) gc(simSettings());
    if (sub === 'exec') {
      if (collects) reportGcFailure();
      return await execCommand(home, rest);
    }
    const parsed = parseCommand(def, rest);
    // Tart parses first, then collects (Root.main → runGarbageCollection).
    if (collects) reportGcFailure();
    const code = await entry![1](home, parsed);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof HelpRequested && def) {
      process.stdout.write(helpText(def) + '\n');
      return 0;
    }
    if (e instanceof UsageError) {
      process.stderr.write(formatUsageError(def, e) + '\n');
      return 64;
    }
    if (e instanceof RuntimeError) {
      process.stderr.write(e.message + '\n');
      return e.exitCode;
    }
    if (e instanceof OtherError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof FaultSyntaxError) {
      process.stderr.write(`tart-sim: ${e.message}\n`);
      return 70;
    }
    process.stderr.write(`Error: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // `tart run` leaves signal handlers and timers behind; nothing else is pending.
    setImmediate(() => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`Error: ${String(e)}\n`);
    process.exit(1);
  },
);
