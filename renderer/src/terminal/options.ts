// How every terminal of the window looks and draws, stated once: the terminal view uses it, and so
// does the benchmark's bare xterm page, so "the rendering limit" it measures is this same terminal.
import { WebglAddon } from '@xterm/addon-webgl';
import type { ITerminalOptions, Terminal } from '@xterm/xterm';

export const TERMINAL_OPTIONS: ITerminalOptions = {
  allowProposedApi: true,
  cursorBlink: true,
  fontFamily: "Menlo, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  fontSize: 13,
  scrollback: 5000,
  theme: {
    background: '#1b1b1f',
    foreground: '#e6e6e6',
    cursor: '#f0a35e',
    selectionBackground: '#4a4a5a',
  },
};

export type RendererKind = 'webgl' | 'dom';

/**
 * Draws `term` (already opened) with WebGL when the browser allows it, else with xterm's DOM
 * renderer (headless, blocked GPU); a lost WebGL context falls back to the DOM too.
 * Returns what draws now.
 */
export function loadRenderer(term: Terminal): () => RendererKind {
  let renderer: RendererKind = 'dom';
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => {
      webgl.dispose();
      renderer = 'dom';
    });
    term.loadAddon(webgl);
    renderer = 'webgl';
  } catch {
    // No WebGL: the DOM renderer draws.
  }
  return () => renderer;
}
