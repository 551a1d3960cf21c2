// The window's shortcuts. On a Mac: ⌘N new session, ⌘1…9 switch session, ⌘W close tab, ⌘F find
// in the terminal. Elsewhere Ctrl plays ⌘'s part, but inside a terminal Ctrl+N/W/F belong to the
// shell (next line, delete word, forward char), so there they need Shift as well.
export type ShortcutAction =
  | { type: 'new-session' }
  | { type: 'select'; index: number }
  | { type: 'close-tab' }
  | { type: 'find' };

export function isMacPlatform(nav: Pick<Navigator, 'platform' | 'userAgent'> = navigator): boolean {
  return /Mac|iPhone|iPad/.test(nav.platform || nav.userAgent);
}

type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'metaKey' | 'ctrlKey' | 'shiftKey' | 'altKey'>;

export function shortcutFor(
  e: KeyLike,
  inTerminal: boolean,
  mac = isMacPlatform(),
): ShortcutAction | null {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!mod || e.altKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (digit && !e.shiftKey) return { type: 'select', index: Number(digit[1]) };
  // Outside a Mac, a terminal keeps Ctrl+letter; Shift makes it the app's.
  if (!mac && inTerminal && !e.shiftKey) return null;
  switch (e.key.toLowerCase()) {
    case 'n':
      return { type: 'new-session' };
    case 'w':
      return { type: 'close-tab' };
    case 'f':
      return { type: 'find' };
    default:
      return null;
  }
}

/** For xterm's key handler: true when the app takes this key (xterm must not send it). */
export function isShortcut(e: KeyboardEvent, inTerminal: boolean): boolean {
  return shortcutFor(e, inTerminal) !== null;
}

export function isInTerminal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.xterm') !== null;
}

export function installShortcuts(win: Window, run: (action: ShortcutAction) => void): () => void {
  const onKey = (e: KeyboardEvent) => {
    const action = shortcutFor(e, isInTerminal(e.target));
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    run(action);
  };
  win.addEventListener('keydown', onKey, { capture: true });
  return () => win.removeEventListener('keydown', onKey, { capture: true });
}
