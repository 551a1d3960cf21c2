import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTOMOUNT_TAG, groupShares, parseDirShare } from './dirshare';

describe('--dir parsing', () => {
  it('reads [name:]path[:options] like Tart', () => {
    expect(parseDirShare('/p')).toEqual({
      name: undefined,
      path: '/p',
      readOnly: false,
      tag: AUTOMOUNT_TAG,
    });
    expect(parseDirShare('/p:ro')).toMatchObject({ name: undefined, path: '/p', readOnly: true });
    expect(parseDirShare('/p:ro,tag=build')).toMatchObject({
      path: '/p',
      readOnly: true,
      tag: 'build',
    });
    expect(parseDirShare('name:/p:tag=x')).toMatchObject({ name: 'name', path: '/p', tag: 'x' });
    expect(parseDirShare('project:/src/p')).toMatchObject({ name: 'project', path: '/src/p' });
  });

  it('expands ~ and ignores unknown options only when a known one is present', () => {
    const home = process.env.HOME ?? '';
    expect(parseDirShare('~/x').path).toBe(`${home}/x`);
    // No known option in the last field: it is part of the path (name:path).
    expect(parseDirShare('/a:b')).toMatchObject({ name: '/a', path: resolve('b') });
  });

  it('requires names when a tag carries several shares; the last name wins', () => {
    expect(() => groupShares([parseDirShare('/a'), parseDirShare('b:/b')])).toThrow(
      'invalid --dir syntax: for multiple directory shares each one of them should be named',
    );
    const g = groupShares([
      parseDirShare('a:/a'),
      parseDirShare('a:/c'),
      parseDirShare('/x:tag=t'),
    ]);
    expect(g.get(AUTOMOUNT_TAG)?.map((s) => s.path)).toEqual(['/c']);
    expect(g.get('t')?.map((s) => s.path)).toEqual(['/x']);
  });
});
