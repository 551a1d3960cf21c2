// Settings and the doctor in the browser demo: the real host validates and writes settings.json,
// the real doctor runs its checks on the simulated VM host.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { SettingsView } from '../shared/api';
import { appPath, screenshot, useHarness } from './harness/testing';

const harness = useHarness('settings');
let file = '';
let original = '';

test.beforeAll(async () => {
  file = (await harness.api.call('settings.get', {})).file;
  original = readFileSync(file, 'utf8');
});
// Other e2e files share this host: leave settings.json (and the host's settings) as they were.
test.afterEach(async () => {
  writeFileSync(file, original);
  const r = await harness.api.call('settings.update', { patch: {} });
  expect(r.ok).toBe(true);
});

test('an invalid value is refused next to its field and nothing is saved; a valid one is saved and survives a reload', async ({
  page,
}) => {
  await page.goto(appPath());
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const screen = page.getByRole('region', { name: 'Settings and doctor' });
  await expect(screen).toBeVisible();
  await expect(page).toHaveURL(/#settings$/);
  await expect(screen).toContainText(`Stored in ${file}`);
  await expect(screen).toContainText('running sessions keep the settings they started with');

  const cpus = screen.getByLabel('CPUs');
  await expect(cpus).toHaveValue('1'); // the harness's settings.json
  await cpus.fill('0');
  await screen.getByRole('button', { name: 'Save' }).click();
  const field = screen.locator('[data-setting="vm.cpus"]');
  await expect(field.getByRole('alert')).toContainText(
    'Too small: expected number to be >=1. Use at least 1.',
  );
  await expect(cpus).toHaveAttribute('aria-invalid', 'true');
  await expect(screen.getByRole('status', { name: 'Save status' })).toHaveText(
    'Not saved: fix the fields marked below.',
  );
  expect(readFileSync(file, 'utf8')).toBe(original);
  await screenshot(page, '20-settings-invalid');

  // Every other face hears of the save.
  const changed = new Promise<SettingsView>((resolve) => {
    const off = harness.api.on('settings.changed', (v) => (off(), resolve(v)));
  });
  await cpus.fill('2');
  await screen.getByLabel('Editor').fill('Cursor');
  await screen.getByRole('button', { name: 'Save' }).click();
  await expect(screen.getByRole('status', { name: 'Save status' })).toHaveText(
    'Saved. New sessions use these settings; running sessions keep theirs.',
  );
  await expect(field.getByRole('alert')).toHaveCount(0);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    vm: { cpus: number; memoryMb: number };
    editor: string;
  };
  expect(saved.vm).toEqual({ cpus: 2, memoryMb: 1024 });
  expect(saved.editor).toBe('Cursor');
  expect((await harness.api.call('settings.get', {})).settings.vm.cpus).toBe(2);
  expect((await changed).settings.vm.cpus).toBe(2);

  await page.reload();
  const again = page.getByRole('region', { name: 'Settings and doctor' });
  await expect(again.getByLabel('CPUs')).toHaveValue('2');
  await expect(again.getByLabel('Editor')).toHaveValue('Cursor');
  await again.getByRole('button', { name: 'Back to sessions' }).click();
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
});

test('the doctor lists its checks with their fixes and runs again after a change', async ({
  page,
}) => {
  await page.goto(appPath('settings'));
  const doctor = page.getByRole('region', { name: 'Doctor', exact: true });
  const check = (name: string) => doctor.getByRole('listitem', { name, exact: true });
  await expect(check('Tart')).toContainText(/OK\s*tart 2\.35\.0/);
  await expect(check('Apple silicon and macOS')).toContainText('Not applicable');
  await expect(check('Apple silicon and macOS')).toContainText('simulated VM host');
  await expect(check('Base VM')).toContainText('clave-base is provisioned');
  await expect(check('Claude authentication')).toContainText('api-key from ANTHROPIC_API_KEY');
  for (const name of [
    'Herd',
    'MySQL and Redis for the VMs',
    'Local Network permission',
    'Disk space for VMs',
    'DHCP lease time',
  ])
    await expect(check(name)).toBeVisible();

  // Point the base VM at one that does not exist: the doctor says so, with the fix.
  const screen = page.getByRole('form', { name: 'Settings' });
  await screen.getByLabel('Base VM').fill('no-such-base');
  await screen.getByRole('button', { name: 'Save' }).click();
  await expect(screen.getByRole('status', { name: 'Save status' })).toContainText('Saved.');
  await doctor.getByRole('button', { name: 'Run again' }).click();
  await expect(check('Base VM')).toContainText('Failed');
  await expect(check('Base VM')).toContainText('no-such-base does not exist');
  await expect(check('Base VM')).toContainText('What to do: clave provision');
  await expect(doctor.getByRole('status')).toContainText(/problems? to fix/);
  await screenshot(page, '21-doctor');

  await screen.getByLabel('Base VM').fill('');
  await screen.getByRole('button', { name: 'Save' }).click();
  await expect(screen.getByLabel('Base VM')).toHaveValue('clave-base');
  await doctor.getByRole('button', { name: 'Run again' }).click();
  await expect(check('Base VM')).toContainText('clave-base is provisioned');
});
