// A session on Orchard from the demo window, against the simulated controller (its own harness:
// the shared one runs none): the choice beside the path field, the agent's terminal, where it runs
// (Orchard, the worker, MySQL/Redis in the VM), the sync after the agent's turn bringing its edit
// into the session copy on this Mac, Sync now, and a merge that leaves nothing on the controller.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { useOwnHarness } from './harness/own-harness';
import { git, screenshot, sessionFor, terminalText, typeInTerminal } from './harness/testing';

const harness = useOwnHarness('orchard', [
  '--profile',
  'fast',
  '--boot-delay-ms',
  '150',
  '--pool-size',
  '0',
  '--no-services',
]);

/** The simulated controller's own view (its /sim/ API needs no account). */
async function controllerVms(): Promise<unknown[]> {
  const m = /simulated controller at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(harness.stdout());
  if (!m) throw new Error(`the demo named no Orchard controller:\n${harness.stdout()}`);
  const r = await fetch(`${m[1]}/sim/state`);
  return ((await r.json()) as { vms: unknown[] }).vms;
}

test('an Orchard session: terminal, worker, sync after the agent’s turn, merge, nothing left', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const project = harness.folders.laravel('orchard-app');
  await page.goto(harness.appUrl);
  // The settings say where the controller comes from and that it answers.
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Orchard' });
  await expect(panel.getByRole('status', { name: 'Orchard status' })).toContainText(
    /Connected to http:\/\/127\.0\.0\.1:\d+\/v1 as clave\./,
  );
  await expect(panel).toContainText('Taken from CLAVE_ORCHARD_URL and CLAVE_ORCHARD_ACCOUNT');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, '41-orchard-settings');
  await page.getByRole('button', { name: 'Back to sessions' }).click();
  // Offered because the host answers orchard.status with the demo's controller.
  const orchard = page
    .getByRole('group', { name: 'Run on' })
    .getByRole('radio', { name: 'Orchard' });
  await expect(orchard).toBeVisible();
  await orchard.click();
  await page.getByLabel('Project folder').fill(project);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.getByRole('article', { name: 'Session orchard-app' });
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 90_000 });
  const s = await sessionFor(harness.api, project);
  expect(s.backend).toBe('orchard');
  await expect.poll(() => terminalText(page, s.id)).toMatch(/^> ?$/m);

  const where = detail.getByRole('region', { name: 'Where it runs' });
  await expect(where).toContainText(/Runs on Orchard · worker mac-mini-\d/);
  await expect(where).toContainText('MySQL and Redis: inside the VM');
  await expect(page.getByRole('navigation', { name: 'Sessions' })).toContainText('Orchard');

  // The agent's turn ends (its Stop hook): the host syncs, and the edit is in the copy here.
  await typeInTerminal(page, 'create app/Orders.php with <?php // orders');
  await expect.poll(() => terminalText(page, s.id)).toContain('app/Orders.php');
  await expect(where.getByRole('status', { name: 'Last sync' })).toContainText(
    /Last synced (just now|\d+s ago)/,
    { timeout: 30_000 },
  );
  await expect
    .poll(() => existsSync(path.join(s.worktreeDir!, 'app/Orders.php')), { timeout: 30_000 })
    .toBe(true);
  await screenshot(page, '40-orchard-session');

  await where.getByRole('button', { name: 'Sync now' }).click();
  await expect(where.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 30_000 });
  await expect(where.getByRole('alert')).toHaveCount(0);

  await detail.getByRole('button', { name: 'Stop…' }).click();
  const dialog = page.getByRole('dialog', { name: 'End the session in orchard-app?' });
  await expect(dialog.getByRole('note', { name: 'Last sync' })).toContainText('Orchard VM');
  await dialog.getByRole('button', { name: 'Merge into main' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  expect(git(project, 'show', 'main:app/Orders.php')).toContain('// orders');
  await expect.poll(controllerVms, { timeout: 30_000 }).toEqual([]);
});
