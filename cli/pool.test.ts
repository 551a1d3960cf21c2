import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './args';
import { poolLines } from './pool';

describe('clave pool', () => {
  it('shows, or sets within the setting’s own limits', () => {
    expect(parseCommand(['pool'])).toEqual({ name: 'pool', json: false });
    expect(parseCommand(['pool', '--size', '0', '--json'])).toEqual({
      name: 'pool',
      size: 0,
      json: true,
    });
    expect(parseCommand(['pool', '--size=2', '--max-vms', '6'])).toEqual({
      name: 'pool',
      size: 2,
      maxVms: 6,
      json: false,
    });
    expect(() => parseCommand(['pool', '--size', 'two'])).toThrow(
      new UsageError('--size must be a whole number (got "two")'),
    );
    expect(() => parseCommand(['pool', '--size', '9'])).toThrow(UsageError);
    expect(() => parseCommand(['pool', '--max-vms', '0'])).toThrow(UsageError);
  });

  it('says what is ready, what boots and the budget', () => {
    const lines = poolLines({
      size: 1,
      maxVms: 4,
      ready: 1,
      booting: 0,
      vms: 2,
      standbys: [{ projectDir: '/Users/me/Code/app', state: 'ready' }],
      problem: null,
    });
    expect(lines).toEqual([
      'Warm start: a standby session for the last project started; 1 ready, 0 booting.',
      'VMs: 2 of 4 (sessions and standbys; a start removes a standby when it needs the room).',
      '  ready    /Users/me/Code/app',
    ]);
    expect(
      poolLines({
        size: 0,
        maxVms: 4,
        ready: 0,
        booting: 0,
        vms: 0,
        standbys: [],
        problem: { what: 'The base VM clave-base does not exist yet', fix: 'clave provision' },
      }),
    ).toEqual([
      'Warm start is off (clave pool --size 1 turns it on).',
      'VMs: 0 of 4 (sessions and standbys; a start removes a standby when it needs the room).',
      'Last standby failed:',
      'The base VM clave-base does not exist yet',
      '  fix: clave provision',
    ]);
  });
});
