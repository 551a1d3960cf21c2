import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePrivateFile, writePrivateFileSync } from './private-file';

describe('owner-only files written whole', () => {
  for (const [name, write] of [
    ['async', writePrivateFile],
    ['sync', async (f: string, t: string) => writePrivateFileSync(f, t)],
  ] as const) {
    it(`${name}: 0600 whatever the umask, the folder made 0700, no temporary left`, async () => {
      const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pf-')), 'data');
      const file = path.join(dir, 'secrets.json');
      const old = process.umask(0);
      try {
        await write(file, 'one');
        await write(file, 'two');
      } finally {
        process.umask(old);
      }
      expect(readFileSync(file, 'utf8')).toBe('two');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir)).toEqual(['secrets.json']);
    });

    it(`${name}: a failed write changes nothing and leaves no temporary`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-'));
      // A folder (not empty) where the file should go: the rename over it fails.
      const target = path.join(dir, 'settings.json');
      mkdirSync(target);
      writeFileSync(path.join(target, 'keep'), 'mine');
      await expect(write(target, 'new')).rejects.toThrow();
      expect(readFileSync(path.join(target, 'keep'), 'utf8')).toBe('mine');
      expect(readdirSync(dir)).toEqual(['settings.json']);
    });
  }
});
