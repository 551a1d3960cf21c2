// Knowing which agent needs you, in the browser against the web harness (real session host on the
// simulated VM host, whose simulated Claude runs the hooks Clave writes): one agent asks a
// question while you look at another → its row is marked, the page says so, the title counts it;
// answering it sets it working and then idle; `/exit` → exited and the exit dialog.
import { expect, test } from '@playwright/test';
import type { SessionSummary } from '../shared/session';
import {
  appPath,
  screenshot,
  startSession,
  terminalText,
  typeInTerminal,
  useHarness,
} from './harness/testing';

const harness = useHarness('attention');

/** Types into a session's agent from outside the page (as `clave attach` in another terminal). */
async function typeFromElsewhere(s: SessionSummary, text: string) {
  const api = harness.api;
  const { terminalId } = await api.call('terminal.open', {
    sessionId: s.id,
    kind: 'agent',
    cols: 120,
    rows: 40,
  });
  await api.call('terminal.write', { terminalId, data: text });
  await new Promise((r) => setTimeout(r, 300)); // the TUI takes the text before the Enter
  await api.call('terminal.write', { terminalId, data: '\r' });
  await api.call('terminal.close', { terminalId });
}

const agentState = async (id: string) =>
  (await harness.api.call('sessions.get', { id })).agent?.state;

test('the agent that needs you is marked, counted and one click away', async ({ page }) => {
  await page.goto(appPath());
  const alpha = await startSession(page, harness.api, harness.folders.laravel('alpha'), 'alpha');
  const beta = await startSession(page, harness.api, harness.folders.laravel('beta'), 'beta');
  // The page's notices (other status regions, e.g. a copy's path, may name a project too).
  const notices = page.locator('.notices').getByRole('status');
  const row = (name: string) =>
    page
      .getByRole('navigation', { name: 'Sessions' })
      .getByRole('button', { name: new RegExp(name) });

  // beta (on screen) finishes a turn: idle, and no notice for the session you are looking at.
  await typeInTerminal(page, 'say hello from beta');
  await expect.poll(() => agentState(beta.s.id), { timeout: 20_000 }).toBe('idle');
  await expect(beta.detail.locator('[data-agent-state="idle"]')).toBeVisible();
  await expect(notices.filter({ hasText: 'beta' })).toHaveCount(0);

  // alpha (not on screen) asks a question: marked, counted, and the page says so.
  await typeFromElsewhere(alpha.s, 'ask Which database should the orders table use?');
  await expect(row('alpha').locator('[data-agent-state="needs-input"]')).toBeVisible({
    timeout: 20_000,
  });
  await expect(page).toHaveTitle('Clave — 1 needs you');
  const notice = notices.filter({ hasText: 'alpha needs you' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Which database should the orders table use?');
  await expect(row('alpha').getByRole('img', { name: 'unread' })).toBeVisible();
  await screenshot(page, '30-needs-you');

  // One click lands on alpha's agent, with the question on screen; answering sets it working.
  await notice.getByRole('button', { name: 'Show' }).click();
  await expect(alpha.detail).toBeVisible();
  await expect(row('alpha').getByRole('img', { name: 'unread' })).toHaveCount(0);
  await expect
    .poll(() => terminalText(page, alpha.s.id))
    .toContain('Which database should the orders table use?');
  await page.keyboard.press('Enter'); // the first option
  await expect.poll(() => agentState(alpha.s.id), { timeout: 20_000 }).toBe('idle');
  await expect(page).toHaveTitle('Clave');

  // Typing a prompt: working while the turn runs, idle after.
  await typeInTerminal(page, 'run sleep 3');
  await expect.poll(() => agentState(alpha.s.id), { timeout: 10_000 }).toBe('working');
  await expect(alpha.detail.locator('[data-agent-state="working"]')).toBeVisible();
  await expect.poll(() => agentState(alpha.s.id), { timeout: 20_000 }).toBe('idle');

  // /exit: exited, and the exit dialog asks what to do with the work.
  await typeInTerminal(page, '/exit');
  const dialog = page.getByRole('dialog', { name: 'Claude has exited in alpha' });
  await expect(dialog).toBeVisible({ timeout: 20_000 });
  expect(await agentState(alpha.s.id)).toBe('exited');
  await dialog.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
});
