// Living with sessions: two agents side by side, terminals that survive a reload or a closed tab,
// shells next to the agent, the keyboard, and an agent that quits by itself.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  appPath,
  git,
  screenshot,
  startSession,
  terminals,
  terminalText,
  typeInTerminal,
  useHarness,
} from './harness/testing';

const harness = useHarness('sessions');

test('two sessions side by side, each with its own agent and copy', async ({ page }) => {
  const alpha = harness.folders.laravel('alpha');
  const beta = harness.folders.laravel('beta');
  await page.goto(appPath());
  const a = await startSession(page, harness.api, alpha, 'alpha');
  const b = await startSession(page, harness.api, beta, 'beta');
  expect(a.s.tunnelPort).not.toBe(b.s.tunnelPort);
  expect(a.s.vmName).not.toBe(b.s.vmName);

  // The newest session is selected; Ctrl+1 goes back to the first (⌘1 on a Mac).
  await expect(b.detail).toBeVisible();
  await typeInTerminal(page, 'create beta.txt with from beta');
  await expect.poll(() => terminalText(page, b.s.id)).toContain('Wrote 1 lines to beta.txt');
  await page.keyboard.press('Control+1');
  await expect(a.detail).toBeVisible();
  await expect(b.detail).toBeHidden();
  await typeInTerminal(page, 'create alpha.txt with from alpha');
  await expect.poll(() => terminalText(page, a.s.id)).toContain('Wrote 1 lines to alpha.txt');
  await screenshot(page, '08-two-sessions');

  // Each agent wrote into its own session copy only.
  expect(readFileSync(path.join(a.s.worktreeDir!, 'alpha.txt'), 'utf8')).toBe('from alpha\n');
  expect(readFileSync(path.join(b.s.worktreeDir!, 'beta.txt'), 'utf8')).toBe('from beta\n');
  expect(existsSync(path.join(a.s.worktreeDir!, 'beta.txt'))).toBe(false);
  expect(await terminalText(page, a.s.id)).not.toContain('beta.txt');

  // Both sites answer, each from its own VM.
  for (const s of [a.s, b.s]) {
    const html = await (await fetch(`http://127.0.0.1:${s.tunnelPort}/`)).text();
    expect(html).toContain(`<title>${s.projectName}</title>`);
  }

  // Ctrl+2 back to beta, then keep its work: the copy stays where the dialog says.
  await page.keyboard.press('Control+2');
  await b.detail.getByRole('button', { name: 'Stop…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('beta.txt');
  await dialog.getByRole('button', { name: 'Keep' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(
    page.getByRole('status').filter({ hasText: 'beta: session copy kept' }),
  ).toContainText(b.s.worktreeDir!);
  expect(readFileSync(path.join(b.s.worktreeDir!, 'beta.txt'), 'utf8')).toBe('from beta\n');
  // beta stays listed as kept until its copy is merged or discarded (issue 10 item 8).
  await expect(b.detail.getByText('Kept', { exact: true })).toBeVisible();
  await expect(b.detail.getByRole('status')).toContainText(b.s.worktreeDir!);
  // alpha is untouched by beta's end.
  await page.keyboard.press('Control+1');
  await expect(a.detail).toBeVisible();
  await expect(a.detail.getByText('Running', { exact: true })).toBeVisible();
});

test('reload and closed tabs re-attach to the same agent; shells sit next to it', async ({
  page,
}) => {
  const project = harness.folders.laravel('reattach');
  await page.goto(appPath());
  const { s, detail } = await startSession(page, harness.api, project, 'reattach');
  await typeInTerminal(page, 'create before.txt with written before the reload');
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to before.txt');

  // A reload drops the page's terminals; tmux keeps the agent and its screen.
  await page.reload();
  await expect(detail.getByText('Running', { exact: true })).toBeVisible();
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to before.txt');
  await screenshot(page, '09-reattached-after-reload');
  await typeInTerminal(page, 'create after.txt with written after the reload');
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to after.txt');
  expect(existsSync(path.join(s.worktreeDir!, 'after.txt'))).toBe(true);

  // Closing the agent's tab (Ctrl+Shift+W inside a terminal) never stops it.
  await page.locator('.terminal-host:visible .xterm').click();
  await page.keyboard.press('Control+Shift+W');
  await expect(detail.getByRole('tab')).toHaveCount(0);
  await expect(detail.getByText('Claude keeps running in the VM')).toBeVisible();
  expect((await harness.api.call('sessions.get', { id: s.id })).state).toBe('running');
  await detail.getByRole('button', { name: 'Open Claude' }).click();
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to after.txt');

  // A shell into the same VM, in the project.
  await detail.getByRole('button', { name: 'New Shell' }).click();
  await expect(detail.getByRole('tab', { name: /Shell 1/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect.poll(() => terminalText(page, s.id, 'shell')).toMatch(/\$ ?$/m);
  await typeInTerminal(page, 'pwd; ls *.txt; echo "cols=$(tput cols)"');
  await expect.poll(() => terminalText(page, s.id, 'shell')).toContain('/srv/project');
  await expect.poll(() => terminalText(page, s.id, 'shell')).toContain('after.txt');
  // The PTY has the terminal's size (resize reached the VM).
  const shell = (await terminals(page)).find((t) => t.sessionId === s.id && t.kind === 'shell')!;
  expect(shell.cols).toBeGreaterThan(80);
  await expect
    .poll(() => terminalText(page, s.id, 'shell'))
    .toMatch(new RegExp(`cols=${shell.cols}\\b`));
  // A smaller window reaches the PTY too.
  await page.setViewportSize({ width: 900, height: 700 });
  await expect
    .poll(async () => (await terminals(page)).find((t) => t.key === shell.key)?.cols)
    .toBeLessThan(shell.cols);
  const narrower = (await terminals(page)).find((t) => t.key === shell.key)!.cols;
  await typeInTerminal(page, 'echo "now=$(tput cols)"');
  await expect
    .poll(() => terminalText(page, s.id, 'shell'))
    .toMatch(new RegExp(`now=${narrower}\\b`));
  // Output is bytes all the way to xterm: a character whose bytes leave the VM 0.3 s apart (two
  // messages) is drawn whole. The typed line holds only escapes, so 日本 can come from the output.
  await typeInTerminal(page, "printf '\\xe6\\x97'; sleep 0.3; printf '\\xa5\\xe6\\x9c\\xac\\n'");
  await expect.poll(() => terminalText(page, s.id, 'shell')).toMatch(/^日本$/m);

  // Find in the terminal (Ctrl+Shift+F inside a terminal; ⌘F on a Mac).
  await page.keyboard.press('Control+Shift+F');
  const find = page.getByRole('searchbox', { name: 'Find in terminal' });
  await expect(find).toBeFocused();
  await find.fill('after.txt');
  await expect(page.getByRole('search')).toContainText(/1 of \d|\d of \d/);
  await screenshot(page, '10-shell-and-search');
  await find.press('Escape');
  await expect(find).toBeHidden();

  // A flood (well past the host's 512K unacknowledged limit) all arrives and the page stays
  // responsive: acknowledgements from xterm's write callbacks keep the ssh channel flowing.
  await typeInTerminal(page, 'clear; seq 1 400000; echo FLOOD-$((40*1000))-DONE');
  const started = Date.now();
  let slowest = 0;
  while (!(await terminalText(page, s.id, 'shell')).includes('FLOOD-40000-DONE')) {
    const t0 = Date.now();
    await page.evaluate(() => 1);
    slowest = Math.max(slowest, Date.now() - t0);
    expect(Date.now() - started).toBeLessThan(60_000);
    await page.waitForTimeout(250);
  }
  expect(slowest).toBeLessThan(2000);
  expect(await terminalText(page, s.id, 'shell')).toContain('399999\n400000\nFLOOD-40000-DONE');

  // `exit` ends the shell and closes its tab; the agent's tab is left.
  await typeInTerminal(page, 'exit');
  await expect(detail.getByRole('tab')).toHaveCount(1);
  await expect(detail.getByRole('tab', { name: /Claude/ })).toBeVisible();
});

test('an agent that quits by itself asks keep / merge / discard', async ({ page }) => {
  const project = harness.folders.laravel('quitter');
  await page.goto(appPath());
  const { s } = await startSession(page, harness.api, project, 'quitter');
  await typeInTerminal(page, 'create notes.md with remember this');
  await expect.poll(() => terminalText(page, s.id)).toContain('Wrote 1 lines to notes.md');
  await typeInTerminal(page, '/exit');

  const dialog = page.getByRole('dialog', { name: 'Claude has exited in quitter' });
  await expect(dialog).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByRole('list', { name: 'Uncommitted files' })).toContainText('notes.md');
  await screenshot(page, '11-agent-exited');
  await dialog.getByRole('button', { name: 'Merge into main' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  expect(readFileSync(path.join(project, 'notes.md'), 'utf8')).toBe('remember this\n');
  expect(git(project, 'log', '-1', '--format=%s', 'main')).toContain(s.id);
});
