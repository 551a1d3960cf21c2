import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import { afterEach, describe, expect, it } from 'vitest';
import { installTerminalProbe, registerTerminal } from './registry';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  document.body.replaceChildren();
});

function openTab(key: string): Terminal {
  const el = document.createElement('div');
  document.body.append(el);
  const term = new Terminal({ cols: 40, rows: 5 });
  term.open(el);
  const unregister = registerTerminal({
    key,
    sessionId: 'a1b2c3d4',
    kind: 'shell',
    title: 'Shell',
    term,
    search: new SearchAddon(),
    terminalId: () => 't',
    renderer: () => 'dom',
  });
  cleanup.push(unregister, () => term.dispose());
  return term;
}

describe('the terminal probe', () => {
  it('says when a line is on screen: at the render that shows it, not before', async () => {
    installTerminalProbe(window);
    const term = openTab('p1');
    const shown = window.__clave!.whenShown('p1', '$ a', 2000);
    let at = 0;
    void shown.then((t) => (at = t));
    const before = performance.now();
    await new Promise<void>((r) => term.write('$ ', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(at).toBe(0); // rendered, but not the line asked for
    term.write('a');
    expect(await shown).toBeGreaterThan(before);
    expect(window.__clave!.tail('p1', 1)).toBe('$ a');
    // Several rows: the end of a command's output and the prompt after it.
    const done = window.__clave!.whenShown('p1', 'DONE\n$', 2000, 2);
    term.write('\r\nDONE\r\n$ ');
    expect(await done).toBeGreaterThan(before);
  });

  it('gives up after its time, and knows no tab it was not given', async () => {
    installTerminalProbe(window);
    openTab('p2');
    await expect(window.__clave!.whenShown('p2', 'never', 100)).rejects.toThrow(/within 100 ms/);
    await expect(window.__clave!.whenShown('nope', 'x', 100)).rejects.toThrow(/No terminal tab/);
  });
});
