// Provisioning in the demo: the same `provision.start` the tray's "Provision Base Image…" and
// `clave provision` call, over the demo's WebSocket, on the simulated image (whose package
// managers are recorders, so it runs offline in seconds). The app keeps working on the new base.
import { expect, test } from '@playwright/test';
import type { ProvisionEvent } from '../shared/api';
import { appPath, useHarness } from './harness/testing';

const harness = useHarness('provision');

test('the demo updates its base image with progress, then the app still starts', async ({
  page,
}) => {
  const events: ProvisionEvent[] = [];
  const off = harness.api.on('provision.progress', (e) => void events.push(e));
  try {
    const result = await harness.api.call('provision.start', { update: true });
    expect(result).toMatchObject({ outcome: 'updated', baseVm: 'clave-base' });
  } finally {
    off();
  }
  const steps = events.flatMap((e) => (e.type === 'step' ? [e.id] : []));
  expect(steps).toEqual(expect.arrayContaining(['system', 'php', 'claude-code', 'finalize']));

  await page.goto(appPath());
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
});

test('the settings screen updates the base image with progress, then the doctor runs again', async ({
  page,
}) => {
  await page.goto(appPath('settings'));
  const panel = page.getByRole('region', { name: 'Base image' });
  const doctor = page.getByRole('region', { name: 'Doctor', exact: true });
  await expect(doctor.getByRole('listitem', { name: 'Base VM', exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'Update' }).click();
  // Progress from the host's provision.progress events while it runs, then its outcome.
  await expect(panel.getByRole('status', { name: 'Provisioning progress' })).toBeVisible();
  await expect(panel.getByRole('status')).toContainText(/clave-base updated in \d+ s\./, {
    timeout: 120_000,
  });
  await expect(panel.getByRole('button', { name: 'Update' })).toBeEnabled();
  await expect(doctor.getByRole('listitem', { name: 'Base VM', exact: true })).toContainText(
    'clave-base is provisioned',
  );
});
