import { describe, expect, it } from 'vitest';
import { shortcutFor } from './keyboard';

const key = (
  k: string,
  mods: Partial<Record<'metaKey' | 'ctrlKey' | 'shiftKey' | 'altKey', boolean>> = {},
) => ({
  key: k,
  code: /^[0-9]$/.test(k) ? `Digit${k}` : `Key${k.toUpperCase()}`,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('uses ⌘ on a Mac, even inside a terminal', () => {
    expect(shortcutFor(key('n', { metaKey: true }), false, true)).toEqual({ type: 'new-session' });
    expect(shortcutFor(key('w', { metaKey: true }), true, true)).toEqual({ type: 'close-tab' });
    expect(shortcutFor(key('f', { metaKey: true }), true, true)).toEqual({ type: 'find' });
    expect(shortcutFor(key('3', { metaKey: true }), true, true)).toEqual({
      type: 'select',
      index: 3,
    });
    expect(shortcutFor(key('w', { ctrlKey: true }), true, true)).toBeNull();
  });

  it('leaves Ctrl+letters to the shell inside a terminal elsewhere; Shift takes them', () => {
    expect(shortcutFor(key('n', { ctrlKey: true }), false, false)).toEqual({ type: 'new-session' });
    expect(shortcutFor(key('w', { ctrlKey: true }), true, false)).toBeNull();
    expect(shortcutFor(key('W', { ctrlKey: true, shiftKey: true }), true, false)).toEqual({
      type: 'close-tab',
    });
    expect(shortcutFor(key('1', { ctrlKey: true }), true, false)).toEqual({
      type: 'select',
      index: 1,
    });
    expect(shortcutFor(key('x', { ctrlKey: true }), false, false)).toBeNull();
    expect(shortcutFor(key('n', { ctrlKey: true, altKey: true }), false, false)).toBeNull();
  });
});
