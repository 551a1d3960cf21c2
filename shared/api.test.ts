import { describe, expect, it } from 'vitest';
import { Request, parseParams } from './api';

describe('shared API contract', () => {
  it('accepts a known method and rejects an unknown one', () => {
    expect(Request.safeParse({ method: 'app.info', params: {} }).success).toBe(true);
    expect(Request.safeParse({ method: 'app.rm-rf', params: {} }).success).toBe(false);
  });

  it('rejects extra params instead of passing them through', () => {
    expect(() => parseParams('app.info', { evil: true })).toThrow();
    expect(parseParams('app.info', {})).toEqual({});
  });
});
