import { describe, expect, it } from 'vitest';
import { inputPieces } from './terminal-input';

describe('terminal input pieces', () => {
  it('keeps small input whole and cuts large input at the limit', () => {
    expect(inputPieces('ls\r')).toEqual(['ls\r']);
    expect(inputPieces('')).toEqual([]);
    expect(inputPieces('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });

  it('never splits a surrogate pair', () => {
    const pieces = inputPieces('ab😀cd', 3);
    expect(pieces).toEqual(['ab', '😀c', 'd']);
    expect(pieces.join('')).toBe('ab😀cd');
  });
});
