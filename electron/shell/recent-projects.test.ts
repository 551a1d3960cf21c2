import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecentProjects } from './recent-projects';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'clave-recent-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recent projects', () => {
  it('keeps the newest first, without duplicates, up to a limit', () => {
    const recent = new RecentProjects(path.join(dir, 'sub', 'recent.json'), 3);
    expect(recent.list()).toEqual([]);
    recent.add('/a');
    recent.add('/b');
    recent.add('/a');
    recent.add('/c');
    expect(recent.add('/d')).toEqual(['/d', '/c', '/a']);
    expect(new RecentProjects(path.join(dir, 'sub', 'recent.json'), 3).list()).toEqual([
      '/d',
      '/c',
      '/a',
    ]);
  });

  it('starts over from a file that is not what it should be', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"projects": [42]}');
    expect(new RecentProjects(file).list()).toEqual([]);
    writeFileSync(file, 'not json');
    expect(new RecentProjects(file).list()).toEqual([]);
  });
});
