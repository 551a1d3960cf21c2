import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter';

function split(max: number, chunks: string[]) {
  const lines: string[] = [];
  const s = createLineSplitter(max, (l) => lines.push(l));
  const accepted = chunks.map((c) => s.push(Buffer.from(c)));
  return { lines, accepted };
}

describe('bounded line splitter', () => {
  it('splits lines across chunks, keeps multi-byte characters whole, drops CR', () => {
    const ü = Buffer.from('ü');
    const lines: string[] = [];
    const s = createLineSplitter(100, (l) => lines.push(l));
    s.push(Buffer.from('a\nb'));
    s.push(ü.subarray(0, 1));
    s.push(Buffer.concat([ü.subarray(1), Buffer.from('c\r\nd\n\n')]));
    expect(lines).toEqual(['a', 'büc', 'd', '']);
  });

  it('takes a line of exactly the limit and refuses one byte more, with or without newline', () => {
    expect(split(4, ['abcd\n'])).toEqual({ lines: ['abcd'], accepted: [true] });
    expect(split(4, ['abcde\n', 'x\n'])).toEqual({ lines: [], accepted: [false, false] });
    expect(split(4, ['ab', 'cd', 'e'])).toEqual({ lines: [], accepted: [true, true, false] });
    expect(split(4, ['ok\nabcde'])).toEqual({ lines: ['ok'], accepted: [false] });
  });
});
