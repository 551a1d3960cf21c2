import { describe, expect, it } from 'vitest';
import { orchardStatus } from '../shared/testing/fake-api';
import { parseCommand, UsageError } from './args';
import { statusLines } from './orchard';

describe('clave orchard', () => {
  it('parses status (the default), connect with its flags, and disconnect', () => {
    expect(parseCommand(['orchard'])).toEqual({ name: 'orchard', action: 'status', json: false });
    expect(
      parseCommand(['orchard', 'connect', '--url', 'http://c:6120/v1', '--account', 'ci']),
    ).toEqual({
      name: 'orchard',
      action: 'connect',
      url: 'http://c:6120/v1',
      account: 'ci',
      json: false,
    });
    expect(parseCommand(['orchard', 'disconnect', '--json'])).toMatchObject({
      action: 'disconnect',
      json: true,
    });
  });

  it('takes no token on the command line', () => {
    expect(() => parseCommand(['orchard', 'connect', '--token', 't'])).toThrow(UsageError);
    expect(() => parseCommand(['orchard', 'login'])).toThrow(/takes status, connect or disconnect/);
  });

  it('says where the settings come from, whether the controller answers, and the problem', () => {
    const lines = statusLines(
      {
        configured: true,
        url: 'http://c/v1',
        serviceAccount: 'ci',
        source: 'env',
        reachable: false,
        problem: { what: 'Could not list', why: 'down', fix: 'start it' },
      },
      'status',
    ).join('\n');
    expect(lines).toContain('ci at http://c/v1 (from the environment)');
    expect(lines).toContain('does not answer');
    expect(lines).toContain('start it');
    expect(statusLines(orchardStatus(), 'disconnect')).toEqual([
      'Stored Orchard token removed.',
      'Orchard: not set up',
    ]);
  });
});
