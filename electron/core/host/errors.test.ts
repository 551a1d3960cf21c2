import { describe, expect, it } from 'vitest';
import { firstLine, HostError, isHostError, tail } from './errors';

class DemoError extends HostError<'demo.broken'> {}

describe('HostError', () => {
  it('carries what, why and fix, and renders them', () => {
    const cause = new Error('inner');
    const e = new DemoError({
      code: 'demo.broken',
      what: 'It broke',
      why: 'Because',
      fix: 'Do this',
      detail: 'log',
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect(isHostError(e)).toBe(true);
    expect(e.name).toBe('DemoError');
    expect(e.message).toBe('It broke: Because');
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      code: 'demo.broken',
      what: 'It broke',
      why: 'Because',
      fix: 'Do this',
      detail: 'log',
    });
    expect(
      new DemoError({ code: 'demo.broken', what: 'a', why: 'b', fix: 'c' }).toJSON(),
    ).not.toHaveProperty('detail');
    expect(isHostError(new Error('x'))).toBe(false);
  });

  it('trims tool output for messages', () => {
    expect(firstLine('\n\n  first  \nsecond')).toBe('first');
    expect(firstLine('x'.repeat(400)).length).toBe(301);
    expect(tail('  abc  ')).toBe('abc');
    expect(tail('0123456789', 4)).toBe('…6789');
  });
});
