import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { OrchardStatus } from '../../../../shared/api';
import { Settings } from '../../../../shared/settings';
import type { SessionSummary } from '../../../../shared/session';
import { App } from '../../App';
import { SessionStore } from '../../store/sessions';
import { createFakeApi, exitInfo, summary } from '../../testing/fake-api';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function orchardSession(patch: Partial<SessionSummary> = {}): SessionSummary {
  return summary({
    backend: 'orchard',
    worker: 'mac-mini-2',
    services: 'vm',
    syncedAt: ago(2 * 60_000 + 4_000),
    ...patch,
  });
}

const configured: OrchardStatus = {
  configured: true,
  url: 'http://127.0.0.1:6120/v1',
  serviceAccount: 'clave',
  source: 'settings',
  reachable: null,
  problem: null,
};

/** A host with Orchard connected and the setting `backend.kind` at `kind`. */
function orchardHost(kind: 'tart' | 'orchard') {
  const api = createFakeApi();
  api.handle('orchard.status', () => configured);
  api.handle('settings.get', () => ({
    file: '/x/settings.json',
    settings: Settings.parse({ backend: { kind } }),
    fileValues: { backend: { kind } },
    overrides: [],
  }));
  api.handle('sessions.start', ({ projectDir }) =>
    summary({ projectDir, projectName: 'shop', state: 'starting' }),
  );
  return api;
}

describe('where a new session runs', () => {
  it('offers nothing to choose while no Orchard controller is configured', async () => {
    const api = createFakeApi();
    api.handle('sessions.start', ({ projectDir }) => summary({ projectDir, state: 'starting' }));
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.poll(() => api.callsOf('orchard.status').length).toBe(1);
    expect(screen.getByRole('radio', { name: 'Orchard' }).elements()).toHaveLength(0);
    await userEvent.fill(screen.getByLabelText('Project folder'), '/Users/me/shop');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    await expect
      .poll(() => api.callsOf('sessions.start'))
      .toEqual([{ projectDir: '/Users/me/shop' }]);
  });

  it('preselects the setting and leaves the choice to the host until the person picks', async () => {
    const api = orchardHost('orchard');
    const screen = await render(<App store={new SessionStore(api)} />);
    const choice = screen.getByRole('group', { name: 'Run on' });
    await expect.element(choice.getByRole('radio', { name: 'Orchard' })).toBeChecked();
    await expect.element(choice.getByRole('radio', { name: 'This Mac' })).not.toBeChecked();
    await userEvent.fill(screen.getByLabelText('Project folder'), '/Users/me/shop');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    // Not picked: the project's .clave.json (or the setting) decides on the host.
    await expect
      .poll(() => api.callsOf('sessions.start'))
      .toEqual([{ projectDir: '/Users/me/shop' }]);
  });

  it('sends the backend the person picked', async () => {
    const api = orchardHost('tart');
    const screen = await render(<App store={new SessionStore(api)} />);
    const choice = screen.getByRole('group', { name: 'Run on' });
    await expect.element(choice.getByRole('radio', { name: 'This Mac' })).toBeChecked();
    await userEvent.click(choice.getByRole('radio', { name: 'Orchard' }));
    await userEvent.fill(screen.getByLabelText('Project folder'), '/Users/me/shop');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    await expect
      .poll(() => api.callsOf('sessions.start'))
      .toEqual([{ projectDir: '/Users/me/shop', backend: 'orchard' }]);
  });
});

describe('an Orchard session in the window', () => {
  it('says where it runs, where MySQL and Redis are, and when it last synced', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [orchardSession()]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const where = screen.getByRole('region', { name: 'Where it runs' });
    await expect.element(where).toHaveTextContent('Runs on Orchard · worker mac-mini-2');
    await expect.element(where).toHaveTextContent('MySQL and Redis: inside the VM');
    await expect
      .element(where.getByRole('status', { name: 'Last sync' }))
      .toHaveTextContent(/^Last synced 2m 0[45]s ago/);
    // The list marks it, subtly.
    await expect
      .element(screen.getByRole('navigation', { name: 'Sessions' }))
      .toHaveTextContent(/my-app\s*Orchard/);
  });

  it('Sync now brings the VM’s work over and shows the new time', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [orchardSession({ syncedAt: null })]);
    let answer: (r: { syncedAt: string }) => void = () => {};
    api.handle('sessions.sync', () => new Promise((r) => (answer = r)));
    const screen = await render(<App store={new SessionStore(api)} />);
    const where = screen.getByRole('region', { name: 'Where it runs' });
    await expect.element(where.getByRole('status')).toHaveTextContent('Not synced yet');
    await userEvent.click(where.getByRole('button', { name: 'Sync now' }));
    await expect.element(where.getByRole('button', { name: 'Syncing…' })).toBeDisabled();
    expect(api.callsOf('sessions.sync')).toEqual([{ id: 'a1b2c3d4' }]);
    answer({ syncedAt: new Date().toISOString() });
    await expect.element(where.getByRole('status')).toHaveTextContent(/^Last synced just now/);
    await expect.element(where.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  });

  it('a failed sync says what went wrong and keeps the last good time', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [orchardSession()]);
    api.fail('sessions.sync', {
      what: 'Could not reach the VM on mac-mini-2',
      why: 'The controller answered 503: the worker is unreachable.',
      fix: 'Check the worker; the session copy has the work up to the last sync.',
    });
    const screen = await render(<App store={new SessionStore(api)} />);
    const where = screen.getByRole('region', { name: 'Where it runs' });
    await userEvent.click(where.getByRole('button', { name: 'Sync now' }));
    const alert = where.getByRole('alert');
    await expect.element(alert).toHaveTextContent('Could not sync');
    await expect.element(alert).toHaveTextContent('The controller answered 503');
    await expect.element(where.getByRole('status')).toHaveTextContent(/^Last synced 2m/);
  });

  it('a session on this Mac says so, with no sync to show', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [summary({ services: 'tunnel' })]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const where = screen.getByRole('region', { name: 'Where it runs' });
    await expect.element(where).toHaveTextContent('Runs on this Mac');
    await expect
      .element(where)
      .toHaveTextContent('MySQL and Redis: this Mac’s, through ssh tunnels from the VM');
    expect(where.getByRole('button', { name: 'Sync now' }).elements()).toHaveLength(0);
    await expect
      .element(screen.getByRole('navigation', { name: 'Sessions' }))
      .not.toHaveTextContent('Orchard');
  });

  it('the exit dialog says how old the copy’s view of the VM’s work is', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [orchardSession()]);
    api.handle('sessions.exitInfo', () => exitInfo());
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await expect
      .element(dialog.getByRole('note', { name: 'Last sync' }))
      .toHaveTextContent(
        /^Last synced 2m 0[45]s ago from the Orchard VM\. Keep, Merge and Discard/,
      );
  });

  it('a kept Orchard session says when its copy was last synced', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [
      orchardSession({
        state: 'kept',
        worker: null,
        agent: null,
        endedAt: ago(60_000),
        syncedAt: ago(3 * 60_000 + 10_000),
      }),
    ]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const panel = screen.getByRole('region', { name: 'Kept session' });
    await expect
      .element(panel)
      .toHaveTextContent(
        /Last syncLast synced 3m 1[01]s ago: the copy holds the Orchard VM’s work up to then\./,
      );
  });
});
