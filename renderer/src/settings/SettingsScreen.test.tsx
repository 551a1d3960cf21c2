import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { DoctorCheck, SettingsView } from '../../../shared/api';
import { fieldErrors, mergeSettings, Settings, settingsFields } from '../../../shared/settings';
import { App } from '../App';
import { SessionStore } from '../store/sessions';
import { createFakeApi } from '../testing/fake-api';
import { SettingsScreen } from './SettingsScreen';

/** A fake host whose settings.update validates with the real schema, as the host does. */
function hostWithSettings(
  file: Record<string, unknown> = {},
  overrides: SettingsView['overrides'] = [],
) {
  const api = createFakeApi();
  let values = file;
  const view = (): SettingsView => ({
    file: '/Users/me/Library/Application Support/Clave/settings.json',
    settings: Settings.parse(values),
    fileValues: values,
    overrides,
  });
  api.handle('settings.get', view);
  api.handle('settings.update', ({ patch }) => {
    const next = mergeSettings(values, patch, true);
    const r = Settings.safeParse(next);
    if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
    values = next;
    return { ok: true, view: view() };
  });
  return { api, values: () => values };
}

const checks: DoctorCheck[] = [
  { id: 'tart', name: 'Tart', status: 'ok', detail: 'tart 2.35.0 (/opt/homebrew/bin/tart)' },
  {
    id: 'dhcp',
    name: 'DHCP lease time',
    status: 'warn',
    detail: 'DHCP leases last 86400 s',
    fix: 'Once, in Terminal: sudo defaults write …',
  },
  {
    id: 'base-image',
    name: 'Base VM',
    status: 'fail',
    detail: 'clave-base does not exist',
    fix: 'clave provision',
  },
  { id: 'host', name: 'Apple silicon and macOS', status: 'skip', detail: 'Not a Mac (linux x64)' },
];

describe('SettingsScreen', () => {
  it('shows every setting from the schema, grouped, and where they are stored', async () => {
    const { api } = hostWithSettings();
    const screen = await render(<SettingsScreen api={api} onClose={() => {}} />);
    await expect.element(screen.getByText('Stored in')).toBeVisible();
    await expect
      .element(
        screen.getByText(
          'Changes apply to sessions started afterwards; running sessions keep the settings they started with.',
        ),
      )
      .toBeVisible();
    for (const f of settingsFields()) {
      await expect
        .element(
          screen.getByRole('group', { name: f.group }).getByLabelText(f.title, { exact: true }),
        )
        .toBeVisible();
    }
    await expect.element(screen.getByLabelText('CPUs')).toHaveValue('4');
    await expect.element(screen.getByLabelText('Use Herd')).toBeChecked();
    await expect.element(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('puts the host’s refusal next to the field and saves nothing', async () => {
    const host = hostWithSettings({ vm: { cpus: 2 } });
    const screen = await render(<SettingsScreen api={host.api} onClose={() => {}} />);
    const cpus = screen.getByLabelText('CPUs');
    await expect.element(cpus).toHaveValue('2');
    await userEvent.fill(cpus, '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const field = screen.getByRole('group', { name: 'Session VMs' }).getByText(/Too small/);
    await expect.element(field).toHaveTextContent('Use at least 1.');
    await expect.element(cpus).toHaveAttribute('aria-invalid', 'true');
    await expect.element(cpus).toHaveFocus();
    await expect
      .element(screen.getByRole('status', { name: 'Save status' }))
      .toHaveTextContent('Not saved');
    expect(host.api.callsOf('settings.update')).toEqual([{ patch: { vm: { cpus: 0 } } }]);
    expect(host.values()).toEqual({ vm: { cpus: 2 } });

    await userEvent.fill(cpus, 'four');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await expect.element(screen.getByText(/Enter a whole number/)).toBeVisible();
  });

  it('saves only what changed, empties go back to the default, and Revert undoes edits', async () => {
    const host = hostWithSettings({ editor: 'vim' });
    const screen = await render(<SettingsScreen api={host.api} onClose={() => {}} />);
    await userEvent.fill(screen.getByLabelText('CPUs'), '2');
    await userEvent.fill(screen.getByLabelText('Editor'), '');
    await userEvent.selectOptions(screen.getByLabelText('MySQL and Redis'), 'vm');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await expect
      .element(screen.getByRole('status', { name: 'Save status' }))
      .toHaveTextContent('Saved. New sessions use these settings; running sessions keep theirs.');
    expect(host.api.callsOf('settings.update')).toEqual([
      { patch: { vm: { cpus: 2 }, editor: null, services: { mode: 'vm' } } },
    ]);
    expect(host.values()).toEqual({ vm: { cpus: 2 }, services: { mode: 'vm' } });
    await expect.element(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.fill(screen.getByLabelText('Memory (MB)'), '2048');
    await userEvent.click(screen.getByRole('button', { name: 'Revert' }));
    await expect.element(screen.getByLabelText('Memory (MB)')).toHaveValue('8192');
    await expect.element(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('offers settings.json itself in the app, where the window can open it', async () => {
    const { api } = hostWithSettings();
    const opened: string[] = [];
    window.claveDesktop = {
      pathForFile: () => '',
      openSessionFolder: async () => null,
      onFocusSession: () => () => {},
      onShowSettings: () => () => {},
      openSettingsFile: () => void opened.push('open'),
    };
    try {
      const screen = await render(<SettingsScreen api={api} onClose={() => {}} />);
      await userEvent.click(screen.getByRole('button', { name: 'Open settings.json' }));
      expect(opened).toEqual(['open']);
    } finally {
      delete window.claveDesktop;
    }
  });

  it('shows a save made elsewhere, keeping unsaved edits here', async () => {
    const host = hostWithSettings();
    const screen = await render(<SettingsScreen api={host.api} onClose={() => {}} />);
    await userEvent.fill(screen.getByLabelText('Memory (MB)'), '2048');
    host.api.emit('settings.changed', {
      file: '/x/settings.json',
      settings: Settings.parse({ vm: { cpus: 3 } }),
      fileValues: { vm: { cpus: 3 } },
      overrides: [],
    });
    await expect.element(screen.getByLabelText('CPUs')).toHaveValue('3');
    await expect.element(screen.getByLabelText('Memory (MB)')).toHaveValue('2048');
    await expect.element(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  it('says which field the environment decides', async () => {
    const { api } = hostWithSettings({}, [{ env: 'CLAVE_VM_CPUS', path: 'vm.cpus' }]);
    const screen = await render(<SettingsScreen api={api} onClose={() => {}} />);
    await expect
      .element(screen.getByText(/CLAVE_VM_CPUS is set in Clave’s environment and wins/))
      .toBeVisible();
  });

  it('lists the doctor’s checks with status, detail and fix, and runs them again', async () => {
    const { api } = hostWithSettings();
    api.handle('doctor.run', () => checks);
    const screen = await render(<SettingsScreen api={api} onClose={() => {}} />);
    const doctor = screen.getByRole('region', { name: 'Doctor', exact: true });
    const base = doctor.getByRole('listitem', { name: 'Base VM' });
    await expect.element(base).toHaveTextContent('Failed');
    await expect.element(base).toHaveTextContent('clave-base does not exist');
    await expect.element(base).toHaveTextContent('What to do: clave provision');
    await expect
      .element(doctor.getByRole('listitem', { name: 'DHCP lease time' }))
      .toHaveTextContent('Warning');
    await expect
      .element(doctor.getByRole('listitem', { name: 'Tart' }))
      .not.toHaveTextContent('What to do');
    await expect
      .element(doctor.getByRole('listitem', { name: 'Apple silicon and macOS' }))
      .toHaveTextContent('Not applicable');
    await expect.element(doctor.getByRole('status')).toHaveTextContent('1 problem to fix');
    await userEvent.click(doctor.getByRole('button', { name: 'Run again' }));
    await expect.poll(() => api.callsOf('doctor.run').length).toBe(2);
  });
});

describe('the settings route in the window', () => {
  it('opens from the header (and #settings), says when setup checks fail, and goes back', async () => {
    window.location.hash = '';
    const { api } = hostWithSettings();
    api.handle('doctor.run', () => checks);
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: '1 setup problem' }));
    await expect.element(screen.getByRole('region', { name: 'Settings and doctor' })).toBeVisible();
    expect(window.location.hash).toBe('#settings');
    await userEvent.click(screen.getByRole('button', { name: 'Back to sessions' }));
    await expect
      .element(screen.getByRole('region', { name: 'Settings and doctor' }))
      .not.toBeInTheDocument();
    await expect.element(screen.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
    expect(window.location.hash).toBe('');
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    await expect.element(screen.getByLabelText('CPUs')).toBeVisible();
  });
});
