import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines';

function split(chunks: Array<string | Buffer>): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

describe('LineSplitter', () => {
  it('ends lines at \\n, \\r\\n and a lone \\r, also across chunks', () => {
    expect(split(['a\nb\r', '\nc\rd', 'e\n', 'last'])).toEqual(['a', 'b', 'c', 'de', 'last']);
    expect(split(['x\r'])).toEqual(['x']);
    expect(split(['\n\n'])).toEqual(['', '']);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('Ondřej ✓\n');
    expect(split([bytes.subarray(0, 4), bytes.subarray(4, 9), bytes.subarray(9)])).toEqual([
      'Ondřej ✓',
    ]);
  });
});
