// du-like sizes on a real folder: blocks as du counts them, hard links once, symlinks not followed.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskUsage } from './disk-usage';

const root = mkdtempSync(path.join(tmpdir(), 'clave-du-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('diskUsage', () => {
  it('agrees with du -sB1, counting a hard-linked file once and not following symlinks', async () => {
    const dir = path.join(root, 'copy');
    mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    writeFileSync(path.join(dir, 'a/one'), 'x'.repeat(100_000));
    linkSync(path.join(dir, 'a/one'), path.join(dir, 'a/b/same'));
    const big = path.join(root, 'outside');
    writeFileSync(big, 'y'.repeat(1_000_000));
    symlinkSync(big, path.join(dir, 'link'));
    const du = Number(execFileSync('du', ['-sB1', dir], { encoding: 'utf8' }).split('\t')[0]);
    const bytes = await diskUsage(dir);
    expect(bytes).toBe(du);
    expect(bytes).toBeLessThan(1_000_000);
  });

  it('gives up past its bound instead of walking on', async () => {
    const dir = path.join(root, 'many');
    mkdirSync(dir);
    for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `f${i}`), '');
    expect(await diskUsage(dir, { maxEntries: 10 })).toBeNull();
    expect(await diskUsage(dir, { maxEntries: 21 })).not.toBeNull();
  });
});
