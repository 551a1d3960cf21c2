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

  it('refuses control characters in a project path at the edge, and takes spaces, quotes, ü', () => {
    for (const bad of [
      '/p/new\nline',
      '/p/nul\u0000',
      '/p/esc\u001b[31m',
      '/p/del\u007f',
      '/p/c1\u009b',
    ])
      expect(() => parseParams('sessions.start', { projectDir: bad }), JSON.stringify(bad)).toThrow(
        /control characters/,
      );
    expect(parseParams('sessions.start', { projectDir: '/p/My App "q" \'s\' ü 日本' })).toEqual({
      projectDir: '/p/My App "q" \'s\' ü 日本',
    });
  });
});
