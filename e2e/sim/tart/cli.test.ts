import { describe, expect, it } from 'vitest';
import {
  HelpRequested,
  UsageError,
  formatUsageError,
  parseCommand,
  usageLine,
  type CommandDef,
} from './cli';
import { cloneDef } from './commands/clone';
import { getDef, listDef } from './commands/info';
import { ipDef } from './commands/ip';
import { deleteDef } from './commands/manage';
import { runDef } from './commands/run';
import { setDef } from './commands/set';
import { stopDef } from './commands/stop';

function usageError(def: CommandDef, argv: string[]): string {
  try {
    parseCommand(def, argv);
  } catch (e) {
    if (e instanceof UsageError) return formatUsageError(def, e);
    throw e;
  }
  throw new Error('parsed without error');
}

describe('tart argument parsing (swift-argument-parser behaviour)', () => {
  it('takes options anywhere, --opt=value, repeatable options and -- ', () => {
    expect(
      parseCommand(runDef, ['--dir=/a', 'vm', '--no-graphics', '--dir', 'b:/b']),
    ).toMatchObject({
      name: 'vm',
      noGraphics: true,
      dir: ['/a', 'b:/b'],
    });
    expect(parseCommand(stopDef, ['-t', '5', 'vm'])).toMatchObject({ name: 'vm', timeout: 5 });
    expect(parseCommand(deleteDef, ['--', '-odd-name', 'b'])).toMatchObject({
      names: ['-odd-name', 'b'],
    });
    expect(parseCommand(setDef, ['vm', '--no-display-refit'])).toMatchObject({
      displayRefit: false,
    });
    expect(parseCommand(setDef, ['vm'])).not.toHaveProperty('displayRefit');
  });

  it('reports unknown options with a suggestion, and usage', () => {
    expect(usageError(setDef, ['vm', '--cpus', '2'])).toBe(
      "Error: Unknown option '--cpus'. Did you mean '--cpu'?\n" +
        'Usage: tart set <name> [--cpu <cpu>] [--memory <memory>] [--display <display>] [--[no-]display-refit] [--random-mac] [--random-serial] [--disk <path>] [--disk-size <disk-size>]\n' +
        "  See 'tart set --help' for more information.",
    );
    expect(usageError(listDef, ['-x'])).toMatch(/^Error: Unknown option '-x'\n/);
  });

  it('reports missing and unexpected arguments with a Help line', () => {
    expect(usageError(ipDef, [])).toBe(
      "Error: Missing expected argument '<name>'\nHelp:  <name>  VM name\n" +
        'Usage: tart ip <name> [--wait <wait>] [--resolver <resolver>]\n' +
        "  See 'tart ip --help' for more information.",
    );
    expect(usageError(cloneDef, ['a'])).toMatch(
      /^Error: Missing expected argument '<new-name>'\nHelp: {2}<new-name> {2}new VM name\n/,
    );
    expect(usageError(getDef, ['a', 'b'])).toMatch(/^Error: Unexpected argument 'b'\n/);
    expect(usageError(getDef, ['a', 'b', 'c'])).toMatch(
      /^Error: 2 unexpected arguments: 'b', 'c'\n/,
    );
    expect(usageError(deleteDef, [])).toMatch(
      /^Error: Missing expected argument '<name> \.\.\.'\n/,
    );
  });

  it('reports missing and invalid values', () => {
    expect(usageError(setDef, ['vm', '--cpu'])).toMatch(
      /^Error: Missing value for '--cpu <cpu>'\nHelp: {2}--cpu <cpu> {2}Number of VM CPUs\n/,
    );
    expect(usageError(setDef, ['vm', '--cpu', 'four'])).toMatch(
      /^Error: The value 'four' is invalid for '--cpu <cpu>'\nHelp: {2}--cpu <cpu> {2}Number of VM CPUs\n/,
    );
    expect(usageError(setDef, ['vm', '--cpu', '70000'])).toMatch(
      /^Error: The value '70000' is invalid/,
    );
    expect(usageError(ipDef, ['vm', '--resolver', 'x'])).toMatch(
      /^Error: The value 'x' is invalid for '--resolver <resolver>'\. Please provide one of 'dhcp', 'arp' or 'agent'\.\n/,
    );
    expect(usageError(runDef, ['vm', '--no-graphics=1'])).toMatch(
      /^Error: The option '--no-graphics' does not take any value, but '1' was specified\.\n/,
    );
  });

  it('collapses long usage lines to [<options>] like HelpGenerator', () => {
    expect(usageLine(runDef)).toBe('Usage: tart run [<options>] <name>');
  });

  it('treats --help as a help request', () => {
    expect(() => parseCommand(getDef, ['vm', '--help'])).toThrow(HelpRequested);
  });
});
