import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { App } from './App';
import type { ClaveApi } from '../../shared/api';

// An in-page API object, as the preload or the WebSocket client would provide.
const api: ClaveApi = {
  call: async () => ({ name: 'Clave', version: '9.9.9', platform: 'darwin', face: 'web' }) as never,
  on: () => () => {},
};

describe('App', () => {
  it('invites a drop when there are no sessions', async () => {
    const screen = await render(<App api={undefined} />);
    await expect.element(screen.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
    await expect.element(screen.getByRole('status')).toHaveTextContent('Not connected');
  });

  it('shows the host it is connected to', async () => {
    const screen = await render(<App api={api} />);
    await expect.element(screen.getByRole('status')).toHaveTextContent('v9.9.9 · web');
  });
});
