import { describe, expect, it } from 'vitest';
import { parseParams } from './api';

describe('pool.set at the edge', () => {
  it('takes the settings’ own limits, nothing else', () => {
    expect(parseParams('pool.set', { size: 0 })).toEqual({ size: 0 });
    expect(parseParams('pool.set', { size: 8, maxVms: 64 })).toEqual({ size: 8, maxVms: 64 });
    expect(parseParams('pool.set', {})).toEqual({});
    for (const bad of [
      { size: 9 },
      { size: -1 },
      { size: 1.5 },
      { maxVms: 0 },
      { size: '1' },
      { size: 1, extra: true },
    ])
      expect(() => parseParams('pool.set', bad)).toThrow();
    expect(() => parseParams('pool.get', { size: 1 })).toThrow();
  });
});
