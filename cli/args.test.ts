import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './args';

describe('clave arguments', () => {
  it('parses the seed UX', () => {
    expect(parseCommand([], '/p')).toEqual({ name: 'run', dir: '/p' });
    expect(parseCommand(['../x', '--on-exit=merge'], '/p/q')).toEqual({
      name: 'run',
      dir: '/p/x',
      onExit: 'merge',
    });
    expect(parseCommand(['start', '--detach', '--json'], '/p')).toEqual({
      name: 'start',
      dir: '/p',
      detach: true,
      json: true,
    });
    expect(parseCommand(['start', '--backend', 'orchard', '--detach'], '/p')).toEqual({
      name: 'start',
      dir: '/p',
      detach: true,
      json: false,
      backend: 'orchard',
    });
    expect(parseCommand(['--backend=tart'], '/p')).toEqual({
      name: 'run',
      dir: '/p',
      backend: 'tart',
    });
    expect(parseCommand(['sync', 'a1b2c3d4'])).toEqual({
      name: 'sync',
      id: 'a1b2c3d4',
      json: false,
    });
    expect(parseCommand(['stop', 'a1b2c3d4', '--on-exit', 'discard'])).toEqual({
      name: 'stop',
      id: 'a1b2c3d4',
      force: false,
      squash: false,
      onExit: 'discard',
    });
    expect(
      parseCommand(['stop', 'a1b2c3d4', '--on-exit=merge', '--squash', '-m', 'Add the thing']),
    ).toEqual({
      name: 'stop',
      id: 'a1b2c3d4',
      force: false,
      squash: true,
      onExit: 'merge',
      message: 'Add the thing',
    });
    expect(parseCommand(['diff', 'a1b2c3d4'])).toEqual({
      name: 'diff',
      id: 'a1b2c3d4',
      stat: false,
      paths: [],
    });
    expect(parseCommand(['diff', 'a1b2c3d4', '--stat', '--', 'app', '--weird-name'])).toEqual({
      name: 'diff',
      id: 'a1b2c3d4',
      stat: true,
      paths: ['app', '--weird-name'],
    });
    expect(parseCommand(['log', 'a1b2c3d4', '--json'])).toEqual({
      name: 'log',
      id: 'a1b2c3d4',
      json: true,
    });
    expect(parseCommand(['resume', 'a1b2c3d4', '--detach'])).toEqual({
      name: 'resume',
      id: 'a1b2c3d4',
      detach: true,
      json: false,
    });
    expect(() => parseCommand(['resume', 'NOT-AN-ID'])).toThrow(/is not a session id/);
    expect(parseCommand(['exec', 'a1b2c3d4', '--', 'php', 'artisan', '--version'])).toEqual({
      name: 'exec',
      id: 'a1b2c3d4',
      argv: ['php', 'artisan', '--version'],
    });
    expect(parseCommand(['auth', '--status'])).toEqual({ name: 'auth', mode: 'status' });
    expect(parseCommand(['provision', '--image=ghcr.io/x/y:1'])).toEqual({
      name: 'provision',
      force: false,
      update: false,
      image: 'ghcr.io/x/y:1',
    });
  });

  it.each([
    [['stop'], /needs a session id/],
    [['stop', 'NOPE'], /is not a session id/],
    [['attach', 'a1b2c3d4', 'b'], /one session id/],
    [['--on-exit=later'], /must be keep, merge or discard/],
    [['sessions', '--detach'], /does not take --detach/],
    [['exec', 'a1b2c3d4'], /clave exec <id> -- <command/],
    [['start', '--bogus'], /Unknown option '--bogus'/],
    [['auth', '--status', '--clear'], /not both/],
    [['provision', '--force', '--update'], /not both/],
    [['doctor', 'x'], /takes no arguments/],
    [['stop', 'a1b2c3d4', '--squash'], /--squash goes with --on-exit=merge/],
    [['stop', 'a1b2c3d4', '--on-exit=merge', '-m', 'x'], /add --squash/],
    [['stop', 'a1b2c3d4', '--on-exit=merge', '--squash', '-m', ' '], /cannot be empty/],
    [['diff', 'a1b2c3d4', 'app'], /Put paths after --/],
    [['diff'], /needs a session id/],
    [['log', 'a1b2c3d4', '--stat'], /does not take --stat/],
    [['start', '--backend', 'aws'], /--backend must be tart or orchard \(got "aws"\)/],
    [['sync'], /needs a session id/],
  ])('%j → one clear line', (argv, message) => {
    expect(() => parseCommand(argv as string[])).toThrow(UsageError);
    expect(() => parseCommand(argv as string[])).toThrow(message);
  });

  it('generates help from the same declarations the parser uses', () => {
    const all = parseCommand(['--help']);
    expect(all.name).toBe('help');
    const text = all.name === 'help' ? all.text : '';
    const commands = [
      'start',
      'sessions',
      'attach',
      'stop',
      'exec',
      'ssh',
      'cleanup',
      'auth',
      'diff',
      'log',
    ];
    for (const c of [...commands, 'doctor', 'provision', 'serve'])
      expect(text).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(parseCommand(['help'])).toEqual(all);
    const stop = parseCommand(['help', 'stop']);
    expect(stop).toMatchObject({ name: 'help', text: expect.stringContaining('--on-exit <mode>') });
    expect(parseCommand(['stop', '--help'])).toEqual(stop);
    expect(parseCommand(['--version'])).toEqual({ name: 'version' });
  });
});
