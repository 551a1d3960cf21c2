// The open terminals of this window, by tab key: the search bar finds the active one here, and
// `window.__clave` reads their text (what a person sees on screen) for end-to-end tests.
import type { SearchAddon } from '@xterm/addon-search';
import type { Terminal } from '@xterm/xterm';

export interface TerminalHandle {
  key: string;
  sessionId: string;
  kind: 'agent' | 'shell';
  title: string;
  term: Terminal;
  search: SearchAddon;
  /** The host's id of the terminal currently attached, if any. */
  terminalId(): string | null;
  renderer(): 'webgl' | 'dom';
}

export interface TerminalProbe {
  terminals(): {
    key: string;
    sessionId: string;
    kind: 'agent' | 'shell';
    title: string;
    terminalId: string | null;
    renderer: 'webgl' | 'dom';
    cols: number;
    rows: number;
    text: string;
  }[];
  /**
   * The last `lines` rows of a terminal's buffer, from the last non-blank one, each without
   * trailing spaces (null: no such tab): cheap enough to poll every frame, which the benchmark
   * does to see when output or an echo is drawn.
   */
  tail(key: string, lines: number): string | null;
  /**
   * Resolves with performance.now() at the next render of a tab (xterm drew it on an animation
   * frame) after which its last `lines` rows (as tail() gives them) read `text`: when a person can
   * see it, measured without polling (a poller adds work to the frames it watches).
   */
  whenShown(key: string, text: string, timeoutMs: number, lines?: number): Promise<number>;
}

const handles = new Map<string, TerminalHandle>();

export function registerTerminal(handle: TerminalHandle): () => void {
  handles.set(handle.key, handle);
  return () => {
    if (handles.get(handle.key) === handle) handles.delete(handle.key);
  };
}

export function terminalHandle(key: string): TerminalHandle | undefined {
  return handles.get(key);
}

/** The whole buffer (scrollback and screen), trailing blanks trimmed, one line per row. */
export function bufferText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

function tailText(term: Terminal, count: number): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = buffer.length - 1; i >= 0 && lines.length < count; i--) {
    // Spaces a program wrote (a prompt's `$ `) are cells like any other: trim them too.
    const line = (buffer.getLine(i)?.translateToString(true) ?? '').trimEnd();
    if (line !== '' || lines.length > 0) lines.unshift(line);
  }
  return lines.join('\n');
}

export function installTerminalProbe(win: Window): void {
  win.__clave = {
    terminals: () =>
      [...handles.values()].map((h) => ({
        key: h.key,
        sessionId: h.sessionId,
        kind: h.kind,
        title: h.title,
        terminalId: h.terminalId(),
        renderer: h.renderer(),
        cols: h.term.cols,
        rows: h.term.rows,
        text: bufferText(h.term),
      })),
    tail: (key, lines) => {
      const h = handles.get(key);
      return h ? tailText(h.term, lines) : null;
    },
    whenShown: (key, text, timeoutMs, lines = 1) =>
      new Promise((resolve, reject) => {
        const h = handles.get(key);
        if (!h) return reject(new Error(`No terminal tab ${key}`));
        const rendered = h.term.onRender(() => {
          if (tailText(h.term, lines) !== text) return;
          const at = performance.now();
          rendered.dispose();
          clearTimeout(timer);
          resolve(at);
        });
        const timer = setTimeout(() => {
          rendered.dispose();
          reject(new Error(`${key} did not show "${text}" within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
  };
}
