import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { OrchardStatus } from '../../../shared/api';
import { Settings } from '../../../shared/settings';
import { createFakeApi, orchardStatus } from '../testing/fake-api';
import { OrchardPanel } from './OrchardPanel';
import { SettingsScreen } from './SettingsScreen';

const none: OrchardStatus = orchardStatus();
const connected: OrchardStatus = {
  configured: true,
  url: 'http://127.0.0.1:6120/v1',
  serviceAccount: 'clave',
  source: 'settings',
  reachable: true,
  problem: null,
};

describe('the Orchard panel in the settings', () => {
  it('connects with URL, account and token, and keeps no token in the window', async () => {
    const api = createFakeApi();
    api.handle('orchard.status', () => none);
    api.handle('orchard.connect', () => connected);
    const screen = await render(<OrchardPanel api={api} />);
    const panel = screen.getByRole('region', { name: 'Orchard' });
    await expect
      .element(panel.getByRole('status', { name: 'Orchard status' }))
      .toHaveTextContent('Not connected');
    expect(api.callsOf('orchard.status')).toEqual([{ probe: true }]);
    const token = panel.getByLabelText('Token');
    await expect.element(token).toHaveAttribute('type', 'password');
    await userEvent.fill(panel.getByLabelText('Controller URL'), 'http://127.0.0.1:6120/v1');
    await userEvent.fill(panel.getByLabelText('Service account'), 'clave');
    await userEvent.fill(token, 's3cret-token');
    await userEvent.click(panel.getByRole('button', { name: 'Connect' }));
    await expect
      .element(panel.getByRole('status', { name: 'Orchard status' }))
      .toHaveTextContent('Connected to http://127.0.0.1:6120/v1 as clave.');
    expect(api.callsOf('orchard.connect')).toEqual([
      { url: 'http://127.0.0.1:6120/v1', serviceAccount: 'clave', token: 's3cret-token' },
    ]);
    await expect.element(token).toHaveValue('');
    expect(screen.container.innerHTML).not.toContain('s3cret-token');
  });

  it('a refused token shows the host’s problem, saves nothing and clears the field', async () => {
    const api = createFakeApi();
    api.handle('orchard.status', () => none);
    api.fail('orchard.connect', {
      what: 'The Orchard controller refused the service account clave',
      why: 'It answered 401 Unauthorized.',
      fix: 'Check the token (orchard get service-account clave).',
    });
    const screen = await render(<OrchardPanel api={api} />);
    const panel = screen.getByRole('region', { name: 'Orchard' });
    await userEvent.fill(panel.getByLabelText('Controller URL'), 'http://127.0.0.1:6120/v1');
    await userEvent.fill(panel.getByLabelText('Service account'), 'clave');
    await userEvent.fill(panel.getByLabelText('Token'), 'wrong');
    await userEvent.click(panel.getByRole('button', { name: 'Connect' }));
    const alert = panel.getByRole('alert');
    await expect.element(alert).toHaveTextContent('Could not connect');
    await expect.element(alert).toHaveTextContent('It answered 401 Unauthorized.');
    await expect.element(panel.getByLabelText('Token')).toHaveValue('');
    await expect
      .element(panel.getByRole('status', { name: 'Orchard status' }))
      .toHaveTextContent('Not connected');
  });

  it('asks for the token before calling the host', async () => {
    const api = createFakeApi();
    api.handle('orchard.status', () => none);
    const screen = await render(<OrchardPanel api={api} />);
    const panel = screen.getByRole('region', { name: 'Orchard' });
    await userEvent.fill(panel.getByLabelText('Controller URL'), 'http://127.0.0.1:6120/v1');
    await userEvent.click(panel.getByRole('button', { name: 'Connect' }));
    await expect
      .element(panel.getByRole('alert'))
      .toHaveTextContent('Enter the service account’s token');
    expect(api.callsOf('orchard.connect')).toEqual([]);
  });

  it('shows an unreachable controller’s problem, prefills what is set, and disconnects', async () => {
    const api = createFakeApi();
    api.handle('orchard.status', () => ({
      ...connected,
      reachable: false,
      problem: {
        what: 'The Orchard controller at http://127.0.0.1:6120/v1 does not answer',
        fix: 'Start it (orchard dev) or check the URL.',
      },
    }));
    api.handle('orchard.disconnect', () => ({ ...none, url: connected.url }));
    const screen = await render(<OrchardPanel api={api} />);
    const panel = screen.getByRole('region', { name: 'Orchard' });
    await expect
      .element(panel.getByRole('status', { name: 'Orchard status' }))
      .toHaveTextContent('Cannot reach http://127.0.0.1:6120/v1 as clave.');
    await expect.element(panel.getByRole('alert')).toHaveTextContent('Start it (orchard dev)');
    await expect.element(panel.getByLabelText('Controller URL')).toHaveValue(connected.url);
    await expect.element(panel.getByLabelText('Service account')).toHaveValue('clave');
    await userEvent.click(panel.getByRole('button', { name: 'Disconnect' }));
    await expect
      .element(panel.getByRole('status', { name: 'Orchard status' }))
      .toHaveTextContent('Not connected');
    expect(api.callsOf('orchard.disconnect')).toEqual([{}]);
    expect(panel.getByRole('button', { name: 'Disconnect' }).elements()).toHaveLength(0);
  });

  it('says when the environment decides, and offers no Disconnect for it', async () => {
    const api = createFakeApi();
    api.handle('orchard.status', () => ({ ...connected, source: 'env' }));
    const screen = await render(<OrchardPanel api={api} />);
    const panel = screen.getByRole('region', { name: 'Orchard' });
    await expect
      .element(panel.getByText(/Taken from CLAVE_ORCHARD_URL and CLAVE_ORCHARD_ACCOUNT/))
      .toBeVisible();
    expect(panel.getByRole('button', { name: 'Disconnect' }).elements()).toHaveLength(0);
  });
});

describe('the settings screen', () => {
  it('has the Orchard panel next to the schema’s backend fields', async () => {
    const api = createFakeApi();
    api.handle('settings.get', () => ({
      file: '/x/settings.json',
      settings: Settings.parse({}),
      fileValues: {},
      overrides: [],
    }));
    const screen = await render(<SettingsScreen api={api} onClose={() => {}} />);
    const group = screen.getByRole('group', { name: 'Where sessions run' });
    await expect.element(group.getByLabelText('Run sessions on')).toHaveValue('tart');
    await expect.element(group.getByLabelText('Orchard controller')).toBeVisible();
    await expect
      .element(screen.getByRole('region', { name: 'Orchard' }).getByLabelText('Token'))
      .toBeVisible();
  });
});
