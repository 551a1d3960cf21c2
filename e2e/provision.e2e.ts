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
