// Whether the person can see this window and works in it: the page is visible (not a hidden
// window, a minimised one or a background tab) and has the keyboard focus.
export interface Presence {
  visible(): boolean;
  focused(): boolean;
  /** Called whenever either may have changed. */
  onChange(listener: () => void): () => void;
}

export function documentPresence(win: Window): Presence {
  const doc = win.document;
  return {
    visible: () => doc.visibilityState === 'visible',
    focused: () => doc.visibilityState === 'visible' && doc.hasFocus(),
    onChange(listener) {
      win.addEventListener('focus', listener);
      win.addEventListener('blur', listener);
      doc.addEventListener('visibilitychange', listener);
      return () => {
        win.removeEventListener('focus', listener);
        win.removeEventListener('blur', listener);
        doc.removeEventListener('visibilitychange', listener);
      };
    },
  };
}
