import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { App } from './App';
import { SessionStore } from './store/sessions';
import { createFakeApi } from './testing/fake-api';

describe('App', () => {
  it('invites a drop when there are no sessions', async () => {
    const api = createFakeApi();
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.element(screen.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
    await expect
      .element(screen.getByRole('status', { name: 'Connection' }))
      .toHaveTextContent('v9.9.9 · web');
  });
});
