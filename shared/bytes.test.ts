import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes', () => {
  it('reads as Finder does: powers of 1000, one decimal under 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(312_000)).toBe('312 kB');
    expect(formatBytes(5_200_000)).toBe('5.2 MB');
    expect(formatBytes(48_200_000)).toBe('48 MB');
    expect(formatBytes(3e15)).toBe('3000 TB');
  });
});
