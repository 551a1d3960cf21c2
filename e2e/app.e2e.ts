// A new user's first minutes, in the browser against the web harness (real session host on the
// simulated VM host): the empty state, a folder that is not a project, the whole loop of a
// session from start to a merged commit on the base branch.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { appPath, git, screenshot, sessionFor, terminalText, useHarness } from './harness/testing';

const harness = useHarness('app');

test('the empty state invites a drop', async ({ page }) => {
  await page.goto(appPath());
  await expect(page.getByRole('heading', { name: 'Clave' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
  await expect(page.getByText('Drop a Laravel project folder here')).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('· web');
  await screenshot(page, '01-empty-state');
});

test('the page without the printed token gets no connection to the host', async ({ page }) => {
  for (const address of ['/#token=not-the-token', '/']) {
    await page.goto(address);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
      'Not connected — retrying',
    );
  }
});

test('a folder that is not a project gets the host’s problem, clearly', async ({ page }) => {
  await page.goto(appPath());
  const field = page.getByLabel('Project folder');

  await field.fill(harness.folders.plain('just-notes'));
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.getByRole('article', { name: 'Session just-notes' });
  await expect(detail.getByRole('alert')).toContainText('just-notes is not a git repository');
  await expect(detail.getByRole('alert')).toContainText('What to do: Run `git init');
  await expect(detail.getByRole('alert')).toContainText('Failed at: Check the project');
  await expect(detail.locator('[data-step="validate-project"]')).toHaveClass(/step-failed/);
  await screenshot(page, '02-not-a-git-repository');

  await field.fill(harness.folders.gitOnly('no-artisan'));
  await page.getByRole('button', { name: 'Start' }).click();
  const second = page.getByRole('article', { name: 'Session no-artisan' });
  await expect(second.getByRole('alert')).toContainText('no-artisan is not a Laravel project');
  await expect(second.getByRole('alert')).toContainText('There is no artisan file');

  // A failed start leaves nothing on the host; dismissing it clears the list.
  expect(await harness.api.call('sessions.list', {})).toEqual([]);
  await second.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('button', { name: /just-notes/ }).click();
  await page
    .getByRole('article', { name: 'Session just-notes' })
    .getByRole('button', { name: 'Dismiss' })
    .click();
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();

  // An empty path is refused by the form without reaching the host.
  await field.fill('');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('form', { name: 'New session' })).toContainText(
    'Enter the path of a project folder',
  );
});

test('start → Claude’s prompt → a request edits the session copy → site → merge onto main', async ({
  page,
}) => {
  const project = harness.folders.laravel('shop');
  await page.goto(appPath());
  await page.getByLabel('Project folder').fill(project);
  await page.getByRole('button', { name: 'Start' }).click();

  const detail = page.getByRole('article', { name: 'Session shop' });
  await expect(detail.getByRole('region', { name: 'Progress' }).first()).toBeVisible();
  await expect(detail.locator('[data-step="save-session"].step-done').first()).toBeAttached();
  await screenshot(page, '03-starting');
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 45_000 });
  const s = await sessionFor(harness.api, project);
  expect(s.branch).toBe(`clave/s-${s.id}`);

  // Claude (the sim's stand-in) greets in the agent's tmux, in the terminal tab.
  await expect.poll(() => terminalText(page, s.id)).toContain('Welcome to Claude Code');
  await expect.poll(() => terminalText(page, s.id)).toMatch(/^> ?$/m);
  await expect(detail.getByRole('tab', { name: /Claude/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await screenshot(page, '04-claude-prompt');

  // Typing goes to the agent; its edit lands in the session copy on the host.
  await page.locator('.terminal-host:visible .xterm').click();
  await page.keyboard.type('create hello.txt with Hello from the e2e test');
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to hello.txt');
  const copy = s.worktreeDir!;
  expect(readFileSync(path.join(copy, 'hello.txt'), 'utf8')).toBe('Hello from the e2e test\n');
  expect(existsSync(path.join(project, 'hello.txt'))).toBe(false);
  await screenshot(page, '05-agent-edited-a-file');

  // The site link opens the session's .test site (Herd stand-in → tunnel → the VM's nginx).
  expect(s.url).toMatch(new RegExp(`^https://shop-${s.id}\\.test$`));
  const popupPromise = page.waitForEvent('popup');
  await detail.getByRole('link', { name: `shop-${s.id}.test` }).click();
  const popup = await popupPromise;
  await popup.waitForLoadState();
  expect(popup.url()).toBe(`${s.url}/`);
  await expect(popup.getByRole('heading', { name: 'Hello from the session VM' })).toBeVisible();
  await popup.close();
  // …and the same site straight through the tunnel.
  const direct = await (await fetch(`http://127.0.0.1:${s.tunnelPort}/`)).text();
  expect(direct).toContain('Hello from the session VM');

  // Ending the session asks what to do with the work, showing what is at stake.
  await detail.getByRole('button', { name: 'Stop…' }).click();
  const dialog = page.getByRole('dialog', { name: 'End the session in shop?' });
  await expect(dialog.getByRole('list', { name: 'Uncommitted files' })).toContainText('hello.txt');
  await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
  await screenshot(page, '06-exit-decision');
  await dialog.getByRole('button', { name: 'Merge into main' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(
    page.getByRole('status').filter({ hasText: 'shop: work merged into main' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
  await screenshot(page, '07-merged');

  // The change is a commit on main in the user's project; the session copy is gone.
  expect(readFileSync(path.join(project, 'hello.txt'), 'utf8')).toBe('Hello from the e2e test\n');
  expect(git(project, 'log', '--format=%s', 'main')).toContain(`Clave session ${s.id}`);
  expect(git(project, 'status', '--porcelain')).toBe('');
  expect(existsSync(copy)).toBe(false);
  expect(await harness.api.call('sessions.list', {})).toEqual([]);
});
