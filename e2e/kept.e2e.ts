// A kept session in the window, in the browser against the web harness (real session host on the
// simulated VM host): kept with its conversation and sizes listed, then resumed in a new VM where
// Claude shows the earlier exchange, the copy's work intact.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  appPath,
  screenshot,
  sessionFor,
  terminals,
  terminalText,
  typeInTerminal,
  useHarness,
} from './harness/testing';

const harness = useHarness('kept');

test('a kept session lists its facts and resumes with its conversation', async ({ page }) => {
  const project = harness.folders.laravel('keeper');
  await page.goto(appPath());
  await page.getByLabel('Project folder').fill(project);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.getByRole('article', { name: 'Session keeper' });
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 45_000 });
  const s = await sessionFor(harness.api, project);
  await expect.poll(() => terminalText(page, s.id)).toMatch(/^> ?$/m);
  await typeInTerminal(page, 'create notes.md with remember the orders');
  await expect.poll(() => terminalText(page, s.id)).toContain('notes.md');

  await detail.getByRole('button', { name: 'Stop…' }).click();
  const dialog = page.getByRole('dialog', { name: 'End the session in keeper?' });
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });

  const kept = detail.getByRole('region', { name: 'Kept session' });
  await expect(kept).toBeVisible({ timeout: 20_000 });
  await expect(kept).toContainText(`Copy${s.worktreeDir}`);
  await expect(kept).toContainText('Worknot merged into main yet');
  await expect(kept).toContainText(/Disk use\d/);
  await expect(kept).toContainText(/Conversationsaved \(\d+(\.\d)? [kM]?B\): Resume continues it/);
  // The browser cannot open folders on the Mac: no Finder or editor buttons here.
  await expect(kept.getByRole('button', { name: 'Reveal in Finder' })).toHaveCount(0);
  await screenshot(page, '30-kept-session');

  const oldTab = (await terminals(page)).find((t) => t.sessionId === s.id)?.key;
  expect(oldTab).toBeTruthy();
  await kept.getByRole('button', { name: 'Resume' }).click();
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 45_000 });
  // The new VM's Claude (a new terminal: the old one went with its VM) shows the earlier
  // exchange; the work in the copy is intact.
  const resumed = async () => {
    const list = (await terminals(page)).filter((t) => t.sessionId === s.id);
    return list.length === 1 && list[0]!.key !== oldTab ? list[0]!.text : '';
  };
  await expect
    .poll(resumed, { timeout: 30_000 })
    .toContain('create notes.md with remember the orders');
  const notes = path.join(s.worktreeDir!, 'notes.md');
  expect(existsSync(notes) && readFileSync(notes, 'utf8')).toBe('remember the orders\n');
  await screenshot(page, '31-resumed');
});
