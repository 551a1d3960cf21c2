// Reviewing before deciding, in the browser against the web harness (real session host on the
// simulated VM host): the agent's edits show in the live changes view with their counts and
// diffs, the exit dialog states the facts, and a squash merge leaves one commit on main with the
// message given.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  appPath,
  git,
  screenshot,
  sessionFor,
  terminalText,
  typeInTerminal,
  useHarness,
} from './harness/testing';

const harness = useHarness('changes');

test('the changes view follows the agent, and a squash merge leaves one commit', async ({
  page,
}) => {
  const project = harness.folders.laravel('reviewed');
  await page.goto(appPath());
  await page.getByLabel('Project folder').fill(project);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.getByRole('article', { name: 'Session reviewed' });
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 45_000 });
  const s = await sessionFor(harness.api, project);
  await expect.poll(() => terminalText(page, s.id)).toMatch(/^> ?$/m);

  // The agent edits one file and adds another.
  await typeInTerminal(
    page,
    "replace Route::view('/', 'welcome') with Route::view('/', 'home') in routes/web.php",
  );
  await typeInTerminal(page, 'create app/Orders.php with <?php // orders');
  await expect.poll(() => terminalText(page, s.id)).toContain('app/Orders.php');

  await detail.getByRole('button', { name: 'Changes' }).click();
  const view = detail.getByRole('region', { name: 'Changes' });
  const files = view.getByRole('list', { name: 'Changed files' });
  await expect(files.getByRole('button', { name: /routes\/web\.php/ })).toContainText('+1 −1');
  await expect(files.getByRole('button', { name: /app\/Orders\.php/ })).toContainText('+1 −0');
  await expect(view.getByRole('status')).toContainText('2 files changed against main');

  // Live: a change to the copy shows while the view is open, with no reload (how fast is a
  // figure of `npm run bench`, not a timed assertion here).
  writeFileSync(path.join(s.worktreeDir!, 'app/Invoices.php'), '<?php // invoices\n');
  await expect(files.getByRole('button', { name: /app\/Invoices\.php/ })).toBeVisible({
    timeout: 5_000,
  });

  await files.getByRole('button', { name: /routes\/web\.php/ }).click();
  const diff = view.getByRole('region', { name: 'Diff of routes/web.php' });
  await expect(diff.locator('.diff-code-insert')).toContainText("'home'");
  await expect(diff.locator('.diff-code-delete')).toContainText("'welcome'");
  await expect(diff.locator('.token').first()).toBeVisible(); // highlighted as PHP
  await screenshot(page, '20-changes-view');

  await detail.getByRole('button', { name: 'Stop…' }).click();
  const dialog = page.getByRole('dialog', { name: 'End the session in reviewed?' });
  await expect(dialog).toContainText('3 files changed +3 −1');
  await dialog.getByRole('radio', { name: 'Squash into one commit' }).click();
  await dialog
    .getByRole('textbox', { name: 'Commit message' })
    .fill('Orders, invoices and a home page');
  await screenshot(page, '21-exit-squash');
  await dialog.getByRole('button', { name: 'Squash into main' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  expect(git(project, 'log', '-1', '--format=%B', 'main').trim()).toBe(
    'Orders, invoices and a home page',
  );
  expect(git(project, 'rev-list', '--count', 'main').trim()).toBe('2');
  expect(git(project, 'show', 'main:routes/web.php')).toContain("'home'");
});
