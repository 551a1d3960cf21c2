import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  findBinary,
  LoginShellPath,
  mergePath,
  parseLoginShellPath,
  pathDirs,
} from './find-binary';
import { TempDirs } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

function exe(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('PATH helpers', () => {
  it('splits, dedupes and merges PATH strings', () => {
    expect(pathDirs('/a::/b:relative:/a')).toEqual(['/a', '/b']);
    expect(mergePath(['/x'], '/a:/b', undefined, ['/a', '/y'])).toBe('/x:/a:/b:/y');
  });

  it('finds the marked PATH in noisy login-shell output', () => {
    expect(
      parseLoginShellPath(
        'Welcome!\nbash: no job control\n__CLAVE_LOGIN_PATH__/opt/homebrew/bin:/usr/bin\n',
      ),
    ).toBe('/opt/homebrew/bin:/usr/bin');
    expect(parseLoginShellPath('nothing here')).toBeNull();
  });
});

describe('findBinary', () => {
  it('tries the steps in order and says how it found the binary', async () => {
    const root = temp.make();
    const onPath = exe(path.join(root, 'path'), 'tool');
    const wellKnown = exe(path.join(root, 'brew'), 'tool');
    const base = { name: 'tool', pathEnv: path.join(root, 'path'), wellKnown: [wellKnown] };
    expect(await findBinary({ ...base, order: ['path', 'well-known'] })).toEqual({
      found: true,
      path: onPath,
      via: 'path',
    });
    expect(await findBinary({ ...base, order: ['well-known', 'path'] })).toEqual({
      found: true,
      path: wellKnown,
      via: 'well-known',
    });
  });

  it('uses only the override when one is configured', async () => {
    const root = temp.make();
    const onPath = exe(path.join(root, 'path'), 'tool');
    const r = await findBinary({
      name: 'tool',
      override: '/nonexistent/tool',
      order: ['path'],
      pathEnv: path.dirname(onPath),
    });
    expect(r).toEqual({ found: false, searched: ['/nonexistent/tool'] });
  });

  it('skips non-executable files and directories', async () => {
    const root = temp.make();
    mkdirSync(path.join(root, 'a', 'tool'), { recursive: true });
    writeFileSync(path.join(root, 'b-tool'), 'x');
    const r = await findBinary({
      name: 'tool',
      order: ['path', 'well-known'],
      pathEnv: path.join(root, 'a'),
      wellKnown: [path.join(root, 'b-tool')],
    });
    expect(r.found).toBe(false);
  });

  it('falls back to the login shell PATH (a Finder-launched app)', async () => {
    const home = temp.make();
    const bin = path.join(temp.make(), 'shell only');
    const tool = exe(bin, 'tool');
    writeFileSync(
      path.join(home, '.bash_profile'),
      `echo "a banner"\nexport PATH="${bin}:$PATH"\n`,
    );
    const loginShell = new LoginShellPath({
      shell: '/bin/bash',
      env: { HOME: home, PATH: '/usr/bin:/bin' },
    });
    const r = await findBinary({
      name: 'tool',
      order: ['path', 'login-shell'],
      pathEnv: '/usr/bin:/bin',
      loginShell,
    });
    expect(r).toEqual({ found: true, path: tool, via: 'login-shell' });
    expect(await new LoginShellPath({ shell: '', env: {} }).get()).toBeNull();
    expect(await new LoginShellPath({ shell: 'relative-shell', env: {} }).get()).toBeNull();
  });
});
