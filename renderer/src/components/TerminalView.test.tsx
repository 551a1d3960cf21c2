import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { utf8 } from '../../../shared/wire';
import { createFakeApi, type FakeApi } from '../testing/fake-api';
import { terminalHandle } from '../terminal/registry';
import { TerminalView } from './TerminalView';

/** A shell tab with the key `key`, attached through `api`. */
function renderShell(api: FakeApi, key: string, onExit: (code: number | null) => void = () => {}) {
  return render(
    <div style={{ width: 400, height: 200 }}>
      <TerminalView
        api={api}
        connection={{ state: 'open', epoch: 1 }}
        tab={{ key, sessionId: 'a1b2c3d4', kind: 'shell', title: 'Shell', exited: null }}
        visible
        onExit={onExit}
      />
    </div>,
  );
}

describe('a terminal tab', () => {
  it('hears an exit that overtook terminal.open’s answer (a shell that ends at once)', async () => {
    const api = createFakeApi();
    api.handle('terminal.open', async () => {
      // ssh2 can parse the channel's open, output, exit and close from one read: the host's
      // events then reach the page before its answer.
      api.emit('terminal.data', { terminalId: 't1', data: utf8('bye') });
      api.emit('terminal.exit', { terminalId: 't1', exitCode: 3 });
      return { terminalId: 't1' };
    });
    const onExit = vi.fn();
    await renderShell(api, 'k', onExit);
    await expect.poll(() => onExit.mock.calls).toEqual([[3]]);
  });

  it('draws a character whose bytes came in two messages, and acknowledges bytes', async () => {
    const api = createFakeApi();
    api.handle('terminal.open', () => ({ terminalId: 't2' }));
    await renderShell(api, 'k2');
    await expect.poll(() => api.callsOf('terminal.open')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    const bytes = utf8('╭─ 日本 ok');
    api.emit('terminal.data', { terminalId: 't2', data: bytes.subarray(0, 8) }); // inside 日
    api.emit('terminal.data', { terminalId: 't2', data: bytes.subarray(8) });
    await expect
      .poll(() => terminalHandle('k2')?.term.buffer.active.getLine(0)?.translateToString(true))
      .toBe('╭─ 日本 ok');
    await expect
      .poll(() => api.callsOf('terminal.ack').reduce((n, a) => n + a.bytes, 0))
      .toBe(bytes.length);
  });
});
