import { describe, expect, it } from 'vitest';
import { changesTheDiff } from './relevant-path';

describe('which changes in a copy can change its diff', () => {
  it.each([
    ['app/Http/Kernel.php', true],
    ['routes/web.php', true],
    ['.git/HEAD', true],
    ['.git/index', true],
    ['.git/refs/heads/clave/s-a1b2c3d4', true],
    ['.git/packed-refs', true],
    ['.git', true],
    ['bootstrap/app.php', true],
    ['.git/objects/ab/cdef', false],
    ['.git/index.lock', false],
    ['.git/logs/HEAD', false],
    ['vendor/laravel/framework/x.php', false],
    ['node_modules/.bin/vite', false],
    ['storage/logs/laravel.log', false],
    ['bootstrap/cache/config.php', false],
  ])('%s → %s', (rel, expected) => {
    expect(changesTheDiff(rel)).toBe(expected);
  });
});
