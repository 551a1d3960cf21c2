import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { createFakeApi } from '../testing/fake-api';
import { TerminalView } from './TerminalView';

describe('a terminal tab', () => {
  it('hears an exit that overtook terminal.open’s answer (a shell that ends at once)', async () => {
    const api = createFakeApi();
    api.handle('terminal.open', async () => {
      // ssh2 can parse the channel's open, output, exit and close from one read: the host's
      // events then reach the page before its answer.
      api.emit('terminal.data', { terminalId: 't1', data: 'bye' });
      api.emit('terminal.exit', { terminalId: 't1', exitCode: 3 });
      return { terminalId: 't1' };
    });
    const onExit = vi.fn();
    await render(
      <div style={{ width: 400, height: 200 }}>
        <TerminalView
          api={api}
          connection={{ state: 'open', epoch: 1 }}
          tab={{ key: 'k', sessionId: 'a1b2c3d4', kind: 'shell', title: 'Shell', exited: null }}
          visible
          onExit={onExit}
        />
      </div>,
    );
    await expect.poll(() => onExit.mock.calls).toEqual([[3]]);
  });
});
