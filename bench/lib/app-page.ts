// The app's page in the bench's Chromium, driven as a person would: start a session on the demo
// project, open a shell tab into its VM, type into it, and see what xterm has drawn (the page's
// terminal probe, window.__clave).
import type { Browser, Page } from 'playwright-core';
import type { SessionSummary } from '../../shared/session';
import type { HarnessProcess } from './harness-process';
import { traceWebSocket } from './ws-trace';

export interface AppShell {
  page: Page;
  session: SessionSummary;
  /** The shell tab's key in the page's terminal registry. */
  key: string;
  cols: number;
  rows: number;
  close(): Promise<void>;
}

const VIEWPORT = { width: 1200, height: 760 };

export async function openAppShell(browser: Browser, harness: HarnessProcess): Promise<AppShell> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await traceWebSocket(page);
  await page.goto(harness.url);
  await page.getByLabel('Project folder').fill(harness.demoProject);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.locator('article');
  await detail.getByText('Running', { exact: true }).waitFor({ timeout: 120_000 });
  const list = await harness.api.call('sessions.list', {});
  const session = list.find((s) => s.state === 'running' && s.projectDir === harness.demoProject);
  if (!session) throw new Error(`no running session: ${JSON.stringify(list)}`);
  await detail.getByRole('button', { name: 'New Shell' }).click();
  const shell = await page.waitForFunction(
    (id) =>
      window.__clave
        ?.terminals()
        .find((t) => t.sessionId === id && t.kind === 'shell' && /\$ ?$/m.test(t.text)),
    session.id,
    { timeout: 60_000 },
  );
  const info = (await shell.jsonValue())!;
  return {
    page,
    session,
    key: info.key,
    cols: info.cols,
    rows: info.rows,
    close: () => page.close(),
  };
}

/** Records the time of the next Enter keydown in the page (performance.now()). */
export async function markNextEnter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __enterAt?: number };
    delete w.__enterAt;
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter') w.__enterAt = performance.now();
      },
      { capture: true, once: true },
    );
  });
}

/**
 * Waits, frame by frame, until the last `lines` rows of the tab contain `text`; returns the ms
 * from the marked Enter to that frame.
 */
export async function msUntilDrawn(
  shell: AppShell,
  text: string,
  lines: number,
  timeoutMs: number,
): Promise<number> {
  const handle = await shell.page.waitForFunction(
    ({ key, text, lines }) =>
      window.__clave?.tail(key, lines)?.includes(text)
        ? performance.now() - (window as unknown as { __enterAt: number }).__enterAt
        : 0,
    { key: shell.key, text, lines },
    { polling: 'raf', timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}
