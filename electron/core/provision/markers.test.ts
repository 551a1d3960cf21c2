import { describe, expect, it } from 'vitest';
import { parseMarker } from './markers';

describe('parseMarker', () => {
  it('parses each marker kind', () => {
    expect(parseMarker('::clave::step 3/14 php Installing PHP 8.4 and extensions')).toEqual({
      kind: 'step',
      index: 3,
      total: 14,
      id: 'php',
      title: 'Installing PHP 8.4 and extensions',
    });
    expect(parseMarker('::clave::ok php-fpm 42s')).toEqual({
      kind: 'ok',
      id: 'php-fpm',
      seconds: 42,
    });
    expect(parseMarker('::clave::fail node exit=100 line=87')).toEqual({
      kind: 'fail',
      id: 'node',
      exitCode: 100,
      line: 87,
    });
    expect(parseMarker('::clave::complete 311s\r')).toEqual({ kind: 'complete', seconds: 311 });
  });

  it('ignores ordinary output and malformed markers', () => {
    for (const line of [
      '',
      'Reading package lists...',
      ' ::clave::step 1/2 a b',
      '::clave::step 0/2 a b',
      '::clave::step 3/2 a b',
      '::clave::step 1/2 A_b title',
      '::clave::ok php',
      '::clave::bogus',
    ]) {
      expect(parseMarker(line)).toBeNull();
    }
  });
});
